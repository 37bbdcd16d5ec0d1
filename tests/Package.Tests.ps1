# The packaged module installs from the local repository by name and imports by name.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'Package' {
    It 'installs from the local PSResource repository into a temporary location and imports by name' {
        $env:RUSTSSO_TEST_REPOSITORY | Should -Not -BeNullOrEmpty
        $target = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-install-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $target | Out-Null
        try {
            Save-PSResource -Name 'AWS.Tools.RustSSO' -Repository $env:RUSTSSO_TEST_REPOSITORY -Path $target -TrustRepository -Quiet
            Join-Path $target 'AWS.Tools.RustSSO' | Should -Exist
            $run = Invoke-ChildPwsh -Environment @{ PSModulePath = $target } -Script @'
$env:PSModulePath = $env:PSModulePath + [IO.Path]::PathSeparator + (Join-Path $PSHOME 'Modules')
Import-Module AWS.Tools.RustSSO -ErrorAction Stop
$m = Get-Module AWS.Tools.RustSSO
'{0}|{1}|{2}' -f $m.Version, $m.ModuleBase, ((Get-Command -Module AWS.Tools.RustSSO).Name -join ',')
'@
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $version, $base, $commands = $run.StdOut.Trim() -split '\|'
            $version | Should -Be (Import-PowerShellDataFile (Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1')).ModuleVersion
            $base | Should -BeLike "$target*"
            $commands -split ',' | Should -Contain 'Get-S3Bucket'
        } finally {
            Remove-Item -Recurse -Force $target -ErrorAction SilentlyContinue
        }
    }

    It 'ships the Windows DLL checked under Wine beside this platform''s library, each with its ABI version' {
        if (-not $env:RUSTSSO_TEST_WINDOWS_DLL) {
            Set-ItResult -Skipped -Because 'no Windows DLL was built in this run (./build.ps1 -Task WindowsCheck builds one and runs this test)'
            return
        }
        $target = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-install-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $target | Out-Null
        try {
            Save-PSResource -Name 'AWS.Tools.RustSSO' -Repository $env:RUSTSSO_TEST_REPOSITORY -Path $target -TrustRepository -Quiet
            $installed = Join-Path $target 'AWS.Tools.RustSSO'
            $dll = @(Get-ChildItem -Recurse -LiteralPath $installed -Filter 'aws_tools_rustsso.dll')
            $dll.Count | Should -Be 1
            $dll[0].Directory.Name | Should -Be 'win-x64'
            [System.IO.File]::ReadAllBytes($dll[0].FullName) | Should -Be ([System.IO.File]::ReadAllBytes($env:RUSTSSO_TEST_WINDOWS_DLL))
            $text = [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes($dll[0].FullName))
            $text | Should -Match 'aws-tools-rustsso-native-abi=1;'
            $own = @(Get-ChildItem -Recurse -LiteralPath (Join-Path $installed '*') -Include 'libaws_tools_rustsso.*')
            $own.Count | Should -BeGreaterThan 0 -Because 'this platform''s library ships too'
        } finally {
            Remove-Item -Recurse -Force $target -ErrorAction SilentlyContinue
        }
    }
}
