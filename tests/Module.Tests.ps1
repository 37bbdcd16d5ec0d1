# The module as a whole: manifest, import and re-import, the ABI check, and the C ABI's error
# contract as seen from PowerShell.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:ModulePath = $env:RUSTSSO_TEST_MODULE
    $script:Manifest = Join-Path $ModulePath 'AWS.Tools.RustSSO.psd1'
    Import-Module $Manifest -Force
}

Describe 'Manifest' {
    BeforeAll { $script:Data = Import-PowerShellDataFile -Path $Manifest }

    It 'declares both editions and PowerShell 5.1' {
        $Data.CompatiblePSEditions | Should -Be @('Core', 'Desktop')
        $Data.PowerShellVersion | Should -Be '5.1'
    }

    It 'exports exactly the public commands, explicitly' {
        $Data.FunctionsToExport | Should -Not -Contain '*'
        (Get-Command -Module AWS.Tools.RustSSO).Name | Sort-Object | Should -Be (@($Data.FunctionsToExport) | Sort-Object)
    }

    It 'ships a format file and PSData tags' {
        $Data.FormatsToProcess | Should -Contain 'AWS.Tools.RustSSO.Format.ps1xml'
        $Data.PrivateData.PSData.Tags | Should -Contain 'PSEdition_Desktop'
        $Data.PrivateData.PSData.Tags | Should -Contain 'AWS'
    }

    It 'lists files that exist' {
        foreach ($file in $Data.FileList) { Join-Path $ModulePath $file | Should -Exist }
    }
}

Describe 'Import' {
    It 'loads the native library from the module folder by full path, on first use' {
        [AWS.Tools.RustSSO.Interop.Native]::AbiVersion() | Should -Be 1
        $loaded = [AWS.Tools.RustSSO.Interop.Native]::LoadedPath
        $loaded | Should -BeLike (Join-Path $ModulePath 'bin*')
    }

    It 'can be imported twice, and removed and imported again, in one session' {
        Import-Module $Manifest -Force
        Import-Module $Manifest
        Remove-Module AWS.Tools.RustSSO
        Get-Module AWS.Tools.RustSSO | Should -BeNullOrEmpty
        Import-Module $Manifest
        Get-Command Get-S3Bucket -Module AWS.Tools.RustSSO | Should -Not -BeNullOrEmpty
        [AWS.Tools.RustSSO.Interop.Native]::Version() | Should -Match '^\d+\.\d+\.\d+'
    }

    It 'fails with both versions named when the native ABI version differs' {
        $copy = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-abi-' + [guid]::NewGuid().ToString('n'))
        $moduleCopy = Join-Path $copy 'AWS.Tools.RustSSO'
        try {
            Copy-Item -Recurse $ModulePath $moduleCopy
            $psm1 = Join-Path $moduleCopy 'AWS.Tools.RustSSO.psm1'
            $text = Get-Content -Raw $psm1
            $text -match '\$script:ExpectedAbiVersion = 1\b' | Should -BeTrue
            Set-Content -LiteralPath $psm1 -Value ($text -replace '\$script:ExpectedAbiVersion = 1\b', '$script:ExpectedAbiVersion = 99') -Encoding utf8
            # The library is loaded on first use: the first command fails, naming both versions.
            $run = Invoke-ChildPwsh -Script "`$ErrorActionPreference = 'Stop'; Import-Module '$moduleCopy/AWS.Tools.RustSSO.psd1'; try { Get-STSCallerIdentity -AccessKey a -SecretKey b } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message; exit 3 }; 'called'"
            $run.ExitCode | Should -Be 3
            $run.StdOut | Should -Not -Match 'called'
            $run.StdOut | Should -Match 'NativeLibraryUnavailable,Get-STSCallerIdentity'
            $run.StdOut | Should -Match 'ABI version 1\b'
            $run.StdOut | Should -Match 'ABI version 99\b'
        } finally {
            Remove-Item -Recurse -Force $copy -ErrorAction SilentlyContinue
        }
    }

    It 'keeps one native library per process when a second copy is imported in another runspace' {
        $copy = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-second-' + [guid]::NewGuid().ToString('n'))
        $moduleCopy = Join-Path $copy 'AWS.Tools.RustSSO'
        try {
            Copy-Item -Recurse $ModulePath $moduleCopy
            # Runspace 2 imports the other copy. Before, that rebound the native library for the
            # whole process (a login running in runspace 1 was then unknown to the new copy).
            $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$Manifest'
`$first = [AWS.Tools.RustSSO.Interop.Native]::Call('{"op":"library.info"}', `$null)
`$loaded = [AWS.Tools.RustSSO.Interop.Native]::LoadedPath
`$rs = [runspacefactory]::CreateRunspace(); `$rs.Open()
`$ps = [powershell]::Create(); `$ps.Runspace = `$rs
[void]`$ps.AddScript('Import-Module ''$moduleCopy/AWS.Tools.RustSSO.psd1''; [AWS.Tools.RustSSO.Interop.Native]::Call(''{"op":"library.info"}'', `$null).Status')
`$second = `$ps.Invoke()
`$ps.Dispose(); `$rs.Dispose()
[AWS.Tools.RustSSO.Interop.Native]::Call('{"op":"library.info"}', `$null) | Out-Null
"loaded-before=`$loaded"
"loaded-after=`$([AWS.Tools.RustSSO.Interop.Native]::LoadedPath)"
"second-status=`$second"
if (Test-Path /proc/self/maps) { "mapped=`$(@(Get-Content /proc/self/maps | Where-Object { `$_ -match 'aws_tools_rustsso' } | ForEach-Object { (`$_ -split '\s+')[-1] } | Sort-Object -Unique).Count)" }
"@
            $run = Invoke-ChildPwsh -Script $script
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $before = [regex]::Match($run.StdOut, 'loaded-before=(.*)').Groups[1].Value.Trim()
            $after = [regex]::Match($run.StdOut, 'loaded-after=(.*)').Groups[1].Value.Trim()
            $before | Should -BeLike (Join-Path $ModulePath 'bin*')
            $after | Should -Be $before
            $run.StdOut | Should -Match 'second-status=0'
            if ($IsLinux) { $run.StdOut | Should -Match 'mapped=1\b' }
        } finally {
            Remove-Item -Recurse -Force $copy -ErrorAction SilentlyContinue
        }
    }

    It 'refuses a second copy of the module that needs another native ABI version, naming both' {
        $copy = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-otherabi-' + [guid]::NewGuid().ToString('n'))
        $moduleCopy = Join-Path $copy 'AWS.Tools.RustSSO'
        try {
            Copy-Item -Recurse $ModulePath $moduleCopy
            $psm1 = Join-Path $moduleCopy 'AWS.Tools.RustSSO.psm1'
            $text = Get-Content -Raw $psm1
            Set-Content -LiteralPath $psm1 -Value ($text -replace '\$script:ExpectedAbiVersion = 1\b', '$script:ExpectedAbiVersion = 99') -Encoding utf8
            $script = "Import-Module '$Manifest'; [void][AWS.Tools.RustSSO.Interop.Native]::AbiVersion(); try { Import-Module '$moduleCopy/AWS.Tools.RustSSO.psd1' -ErrorAction Stop; 'imported' } catch { `$_.Exception.Message; exit 3 }"
            $run = Invoke-ChildPwsh -Script $script
            $run.ExitCode | Should -Be 3 -Because $run.StdOut
            $run.StdOut | Should -Match 'needs native ABI version 99'
            $run.StdOut | Should -Match 'ABI version 1\b'
            $run.StdOut | Should -Not -Match 'imported'
        } finally {
            Remove-Item -Recurse -Force $copy -ErrorAction SilentlyContinue
        }
    }

    It 'fails to import with the path named when the native library for this platform is missing' {
        $copy = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-nolib-' + [guid]::NewGuid().ToString('n'))
        $moduleCopy = Join-Path $copy 'AWS.Tools.RustSSO'
        try {
            Copy-Item -Recurse $ModulePath $moduleCopy
            Remove-Item -Recurse -Force (Join-Path $moduleCopy 'bin')
            $run = Invoke-ChildPwsh -Script "try { Import-Module '$moduleCopy/AWS.Tools.RustSSO.psd1' -ErrorAction Stop } catch { `$_.Exception.Message; exit 3 }; 'imported'"
            $run.ExitCode | Should -Be 3
            $run.StdOut | Should -Match 'native library for this platform was not found at'
            $run.StdOut | Should -Match ([regex]::Escape((Join-Path $moduleCopy 'bin')))
            $run.StdOut | Should -Not -Match 'Exception calling'
        } finally {
            Remove-Item -Recurse -Force $copy -ErrorAction SilentlyContinue
        }
    }
}

Describe 'Reading the native library''s answers' {
    # Answers are read as UTF-8 straight from the library's buffer; Json.Parse(string) takes
    # the same path.
    It 'reads escapes, non-ASCII text, numbers, literals and nesting' {
        $value = [AWS.Tools.RustSSO.Interop.Json]::Parse('{"a":"caf\u00e9 \"q\" \\ \n/","b":"Zürich ☃ 𝄞","c":[1,-2,2.5,1e3,true,false,null],"d":{},"e":[],"a2":"x"}')
        $value['a'] | Should -BeExactly "café `"q`" \ `n/"
        $value['b'] | Should -BeExactly 'Zürich ☃ 𝄞'
        $value['c'][0] | Should -BeOfType [long]
        $value['c'][1] | Should -Be -2
        $value['c'][2] | Should -Be 2.5
        $value['c'][3] | Should -Be 1000
        $value['c'][4] | Should -BeTrue
        $value['c'][5] | Should -BeFalse
        $value['c'][6] | Should -BeNullOrEmpty
        $value['c'].Count | Should -Be 7
        $value['d'].Count | Should -Be 0
        $value['e'].Count | Should -Be 0
        $value['a2'] | Should -BeExactly 'x'
    }

    It 'refuses malformed answers with a FormatException, never reading past the end' {
        foreach ($text in '{"a":', '{"a":"unterminated', '{"a":"bad escape \q"}', '{"a":"\u12"}', '[1,2', '{"a" 1}', '{"a":1} trailing', '', 'nul', '{"a":"\uSECR"}', '[12e]') {
            $caught = $null
            try { $null = [AWS.Tools.RustSSO.Interop.Json]::Parse($text) } catch { $caught = $_.Exception.InnerException }
            $caught | Should -BeOfType [System.FormatException] -Because "input '$text'"
            # The message never quotes the answer (an answer can hold a secret).
            foreach ($piece in 'SECR', '12e') { $caught.Message.Contains($piece) | Should -BeFalse -Because "input '$text'" }
        }
    }
    It 'reads 64 levels of nesting, and refuses more with its own FormatException' {
        $value = [AWS.Tools.RustSSO.Interop.Json]::Parse(('[' * 64) + (']' * 64))
        for ($level = 1; $level -lt 64; $level++) { $value = $value[0] }
        $value.Count | Should -Be 0
        $caught = $null
        try { $null = [AWS.Tools.RustSSO.Interop.Json]::Parse(('[' * 65) + (']' * 65)) } catch { $caught = $_.Exception.InnerException }
        $caught | Should -BeOfType [System.FormatException]
    }

    It 'survives 200,000 levels of nesting (a stack overflow would end the process)' {
        # In a child pwsh: before the limit, this ended the whole process, not only the call.
        $run = Invoke-ChildPwsh -TimeoutSeconds 60 -Script @'
Import-Module AWS.Tools.RustSSO
$deep = ('[' * 200000) + (']' * 200000)
try { $null = [AWS.Tools.RustSSO.Interop.Json]::Parse($deep); 'parsed' } catch { 'caught ' + $_.Exception.InnerException.GetType().FullName + ': ' + $_.Exception.InnerException.Message }
'@
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $run.StdOut | Should -Match 'caught System\.FormatException: .*native library'
    }
}

Describe 'C ABI error contract from PowerShell' {
    BeforeAll {
        # Runs a library operation through the commands' path (an advanced function in the
        # module's scope) and returns the error record it ends with, or $null.
        function Get-OperationError {
            param([Parameter(Mandatory)] $Module, [Parameter(Mandatory)] [string] $Operation)
            try {
                & $Module {
                    param($op)
                    function Invoke-OperationProbe {
                        [CmdletBinding()] param([string] $Name)
                        [AWS.Tools.RustSSO.Interop.Commands]::InvokeOperation($PSCmdlet, $Name, @{})
                    }
                    Invoke-OperationProbe -Name $op
                } $Operation
            } catch { return $_ }
            $null
        }
    }

    It 'returns NullArgument for a NULL request' {
        [AWS.Tools.RustSSO.Interop.Native]::CallRaw($null, $null).Status | Should -Be 1
    }

    It 'returns NullArgument for a NULL response pointer' {
        [AWS.Tools.RustSSO.Interop.Native]::CallWithNullResponsePointer('{"op":"library.info"}') | Should -Be 1
    }

    It 'returns InvalidUtf8 for invalid UTF-8' {
        $bytes = [byte[]](0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x7D, 0x00)
        $result = [AWS.Tools.RustSSO.Interop.Native]::CallRaw($bytes, $null)
        $result.Status | Should -Be 2
        ($result.Json | ConvertFrom-Json).code | Should -Be 'InvalidUtf8'
    }

    It 'returns InvalidRequest for malformed JSON and unknown operations' {
        foreach ($request in '{', 'not json', '{"op":"no.such.operation"}', '{"op":"s3.list_buckets","params":{"max_buckets":"many"}}') {
            $result = [AWS.Tools.RustSSO.Interop.Native]::Call($request, $null)
            $result.Status | Should -Be 3 -Because "request $request"
        }
    }

    It 'turns a panic into an ErrorRecord and the session survives' {
        $module = Get-Module AWS.Tools.RustSSO
        $raw = [AWS.Tools.RustSSO.Interop.Native]::Call('{"op":"test.panic"}', $null)
        $raw.Status | Should -Be 4
        [AWS.Tools.RustSSO.Interop.Native]::StatusName($raw.Status) | Should -Be 'Panic'
        $record = Get-OperationError -Module $module -Operation 'test.panic'
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -BeLike 'Panic*'
        $record.Exception.Message | Should -Match 'Internal error in the native library'
        [AWS.Tools.RustSSO.Interop.Native]::Call('{"op":"library.info"}', $null).Status | Should -Be 0
    }

    It 'keeps panics, at dispatch or inside a running operation, off the host''s stderr' {
        $script = "Import-Module '$Manifest'; foreach (`$op in 'test.panic', 'test.panic_in_operation') { [AWS.Tools.RustSSO.Interop.Native]::Call('{`"op`":`"' + `$op + '`"}', `$null).Status }"
        $run = Invoke-ChildPwsh -Script $script
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        ($run.StdOut -split "`r?`n" | Where-Object { $_ }) | Should -Be @('4', '4')
        $run.StdErr | Should -Not -Match 'panicked'
    }

    It 'turns an answer that is not JSON into an ErrorRecord' {
        $module = Get-Module AWS.Tools.RustSSO
        $record = Get-OperationError -Module $module -Operation 'test.malformed_answer'
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -BeLike 'InvalidNativeAnswer*'
        $record.CategoryInfo.Category | Should -Be 'InvalidResult'
        $record.Exception.Message | Should -Match "native library's answer could not be read"
    }
}
