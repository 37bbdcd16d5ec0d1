<#
.SYNOPSIS
Builds, tests, packages and demonstrates the AWS.Tools.RustSSO module.

.DESCRIPTION
The one entry point of the project. Tasks:

  Build    Release build of the native library (cargo) and the interop assembly (dotnet), then
           lays out the finished module folder in out/AWS.Tools.RustSSO.
  Test     Build, then the Rust tests (cargo test), then the Pester suites in a child pwsh so the
           loaded native library never locks build output. Ends with "N passed, N failed".
  Package  Build, then publishes the module to a local PSResource repository in out/repository.
  Demo     Build, then starts the bundled local fake AWS, writes a temporary SSO configuration and
           cached token, and runs Import-Module AWS.Tools.RustSSO; Get-S3Bucket in a child pwsh.
           With -ProfileName, runs against real AWS with that profile instead.
  Bench    Build, then tests/bench/Invoke-Benchmark.ps1 against the bundled fake AWS (cold start,
           warm calls, 10k/100k buckets, work avoided, footprint; peers: the AWS SDK for .NET and
           the AWS CLI where installed), writing the report to docs/benchmarks.md.
  WindowsCheck
           Cross-builds the native library and fake-aws for x86_64-pc-windows-gnu on Debian (the
           machine's rustc-web and mingw-w64; the script of ../shared/windows-cross), checks it with
           cargo check and clippy -D warnings, loads the DLL with LoadLibrary under Wine and runs
           the cargo test binaries there. Its work folder ($HOME/.cache/rustsso-wincross, or
           WINCROSS_WORK) lives outside the clone, so later runs are incremental.
  Docs     Build (unless -NoBuild), then starts the bundled local fake AWS and headless Chromium
           (through ChromeDriver, as tests/Browser.Tests.ps1 does), logs in with
           Invoke-AWSSSOLogin in a child pwsh, and saves a screenshot of the page the browser shows
           to docs/images/login-success.png (the picture in the README's login section).

On a fresh Linux or macOS machine run ./build.sh instead: it installs PowerShell and Pester when
they are missing (on Debian and Ubuntu also Chromium and ChromeDriver, for the browser test and
the Docs task) and then runs this script with the same arguments.

.PARAMETER Task
The task to run: Build, Test, Package, Demo, Bench, Docs or WindowsCheck.

.PARAMETER ProfileName
Demo only: a real AWS profile to list buckets with, instead of the local fake AWS.

.PARAMETER TestPath
Test only: run only these Pester files (default: every *.Tests.ps1 under tests/).

.PARAMETER SkipCargoTest
Test only: skip the Rust tests and run only the Pester suites.

.PARAMETER NativeLibraryPath
Build and Package: a folder of native libraries built elsewhere, as bin/<os>-<arch>/<library>
(or <os>-<arch>/<library>), added to the module beside this machine's own. Each one's ABI
version is read from the file (no loading needed) and must be the one the module's script
expects; a library for this machine's platform replaces the local build.

.PARAMETER NoBuild
Docs only: use the module in out/AWS.Tools.RustSSO and the fake-aws binary as they are, without
building them first.

.EXAMPLE
./build.ps1 -Task Test

Builds everything and runs all tests.

.EXAMPLE
./build.ps1 -Task Demo

Lists the buckets of the local fake AWS through an SSO profile.

.EXAMPLE
./build.ps1 -Task Bench

Builds everything, runs the benchmark and rewrites the results in docs/benchmarks.md.

.EXAMPLE
./build.ps1 -Task Docs -NoBuild

Takes a new docs/images/login-success.png with the module already built in out/.
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Demo', 'Bench', 'Docs', 'WindowsCheck')]
    [string] $Task = 'Build',
    [string] $ProfileName,
    [string[]] $TestPath,
    [switch] $SkipCargoTest,
    [string] $NativeLibraryPath,
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$Root = $PSScriptRoot
$OutDir = Join-Path $Root 'out'
$ModuleName = 'AWS.Tools.RustSSO'
$ModuleOut = Join-Path $OutDir $ModuleName
$RepositoryDir = Join-Path $OutDir 'repository'
$RepositoryName = 'AWS.Tools.RustSSO.Local'
$CargoTarget = Join-Path $Root 'target/release'

function Invoke-Native {
    # Runs an external command and stops the build when it fails.
    param([Parameter(Mandatory)] [string] $FilePath, [string[]] $ArgumentList = @())
    Write-Host "> $FilePath $($ArgumentList -join ' ')" -ForegroundColor DarkGray
    & $FilePath @ArgumentList
    if ($LASTEXITCODE -ne 0) { throw "'$FilePath $($ArgumentList -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Get-RuntimeIdentifier {
    $ri = [System.Runtime.InteropServices.RuntimeInformation]
    $os = if ($IsWindows) { 'win' } elseif ($IsMacOS) { 'osx' } else { 'linux' }
    "$os-$($ri::ProcessArchitecture.ToString().ToLowerInvariant())"
}

function Get-NativeLibraryFileName {
    if ($IsWindows) { 'aws_tools_rustsso.dll' } elseif ($IsMacOS) { 'libaws_tools_rustsso.dylib' } else { 'libaws_tools_rustsso.so' }
}

function Get-PwshPath {
    # The pwsh executable (when pwsh is a .NET global tool, the process itself is 'dotnet').
    foreach ($candidate in @((Join-Path $PSHOME 'pwsh'), (Join-Path $PSHOME 'pwsh.exe'))) {
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source
}

function Get-FakeAwsPath {
    $exe = if ($IsWindows) { 'fake-aws.exe' } else { 'fake-aws' }
    Join-Path $CargoTarget $exe
}

function Join-ModuleScript {
    # The shipped .psm1 is one file joined from powershell/src/*.ps1 (one file per command group,
    # in name order), so import never dot-sources many files; each part stays readable in it.
    # -ExternalHelp replaces each function's comment-based help with an .ExternalHelp line: the
    # help then lives in the MAML file New-ExternalHelp.ps1 wrote from it, and import parses none.
    param([Parameter(Mandatory)] [string] $Destination, [string] $ExternalHelp)
    $parts = Get-ChildItem -LiteralPath (Join-Path $Root 'powershell/src') -Filter '*.ps1' | Sort-Object Name
    $text = [System.Text.StringBuilder]::new()
    [void]$text.Append("# AWS.Tools.RustSSO module script, joined by build.ps1 from powershell/src (edit those files).`n")
    foreach ($part in $parts) {
        $source = [System.IO.File]::ReadAllText($part.FullName)
        if ($ExternalHelp) { $source = Remove-CommentHelp -Source $source -Path $part.FullName -ExternalHelp $ExternalHelp }
        [void]$text.Append("`n#region $($part.Name)`n")
        [void]$text.Append($source.TrimEnd())
        [void]$text.Append("`n#endregion $($part.Name)`n")
    }
    [System.IO.File]::WriteAllText($Destination, $text.ToString(), [System.Text.UTF8Encoding]::new($false))
}

function Remove-CommentHelp {
    # The source with every function's comment-based help block (<# .SYNOPSIS ... #> inside the
    # function) replaced by '# .ExternalHelp <file>'.
    param([string] $Source, [string] $Path, [string] $ExternalHelp)
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($Source, [ref]$tokens, [ref]$errors)
    if ($errors) { throw "$Path does not parse: $($errors[0].Message)" }
    $functions = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true))
    $blocks = @($tokens | Where-Object {
            $t = $_
            $t.Kind -eq 'Comment' -and $t.Text.StartsWith('<#') -and $t.Text -match '(?m)^\s*\.SYNOPSIS' -and
            @($functions | Where-Object { $_.Extent.StartOffset -lt $t.Extent.StartOffset -and $_.Extent.EndOffset -gt $t.Extent.EndOffset }).Count
        })
    [array]::Reverse($blocks)
    foreach ($block in $blocks) {
        $Source = $Source.Substring(0, $block.Extent.StartOffset) + "# .ExternalHelp $ExternalHelp" + $Source.Substring($block.Extent.EndOffset)
    }
    $Source
}

function Invoke-Build {
    # -TestHooks: the test build, with the operations and entry points only the tests use
    # (test.panic, test.sleep, CallRaw); the shipped build has none of them.
    param([switch] $TestHooks)
    $cargoArgs = @('build', '--release', '--locked', '-p', 'aws-tools-rustsso', '-p', 'fake-aws')
    $dotnetArgs = @('build', (Join-Path $Root 'powershell/interop/AWS.Tools.RustSSO.Interop.csproj'),
        '-c', 'Release', '-o', (Join-Path $OutDir 'interop'), '--nologo', '-v', 'quiet')
    if ($TestHooks) {
        $cargoArgs += @('--features', 'aws-tools-rustsso/test-hooks')
        $dotnetArgs += '-p:RustSsoTestHooks=true'
    }
    Invoke-Native cargo $cargoArgs
    $interopOut = Join-Path $OutDir 'interop'
    Invoke-Native dotnet $dotnetArgs

    if (Test-Path $ModuleOut) { Remove-Item -Recurse -Force $ModuleOut }
    $nativeDir = Join-Path $ModuleOut "bin/$(Get-RuntimeIdentifier)"
    $libDir = Join-Path $ModuleOut 'lib'
    New-Item -ItemType Directory -Force -Path $nativeDir, $libDir | Out-Null
    Copy-Item (Join-Path $Root "$ModuleName.psd1") $ModuleOut
    $psm1 = Join-Path $ModuleOut "$ModuleName.psm1"
    Join-ModuleScript -Destination $psm1
    Copy-Item (Join-Path $Root "powershell/$ModuleName.Format.ps1xml") $ModuleOut
    Copy-Item -Recurse (Join-Path $Root 'powershell/en-US') $ModuleOut
    Copy-Item (Join-Path $interopOut 'AWS.Tools.RustSSO.Interop.dll') $libDir
    Copy-Item (Join-Path $CargoTarget (Get-NativeLibraryFileName)) $nativeDir
    # External help: written from the comment-based help (a child pwsh imports the module with
    # it), then the shipped script keeps only '# .ExternalHelp' lines.
    $helpFile = "$ModuleName-help.xml"
    Invoke-Native (Get-PwshPath) @('-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'powershell/New-ExternalHelp.ps1'),
        '-ModulePath', (Join-Path $ModuleOut "$ModuleName.psd1"), '-OutFile', (Join-Path $ModuleOut "en-US/$helpFile"))
    Join-ModuleScript -Destination $psm1 -ExternalHelp $helpFile
    if ($NativeLibraryPath) { Add-NativeLibrary -From $NativeLibraryPath }
    Write-Host "Module laid out in $ModuleOut"
}

function Get-NativeAbiVersion {
    # The ABI version a native library file carries (the library's ABI_MARKER text), or $null.
    param([Parameter(Mandatory)] [string] $Path)
    $text = [System.Text.Encoding]::ASCII.GetString([System.IO.File]::ReadAllBytes($Path))
    $m = [regex]::Match($text, 'aws-tools-rustsso-native-abi=(\d+);')
    if ($m.Success) { [int]$m.Groups[1].Value } else { $null }
}

function Add-NativeLibrary {
    # Copies native libraries built elsewhere into the module's bin/<os>-<arch>/ folders after
    # checking that each carries the ABI version the module's script expects.
    param([Parameter(Mandatory)] [string] $From)
    $from = (Resolve-Path -LiteralPath $From).Path
    $binRoot = if (Test-Path -LiteralPath (Join-Path $from 'bin')) { Join-Path $from 'bin' } else { $from }
    $expected = [int]([regex]::Match((Get-Content -Raw (Join-Path $Root 'powershell/src/00-Module.ps1')), '\$script:ExpectedAbiVersion = (\d+)').Groups[1].Value)
    $names = @('aws_tools_rustsso.dll', 'libaws_tools_rustsso.so', 'libaws_tools_rustsso.dylib')
    $added = 0
    foreach ($dir in Get-ChildItem -LiteralPath $binRoot -Directory) {
        if ($dir.Name -notmatch '^(win|linux|osx)-(x64|arm64|x86|arm)$') { throw "'$($dir.FullName)' is not named <os>-<arch> (win-x64, linux-arm64, osx-arm64, ...)." }
        foreach ($file in Get-ChildItem -LiteralPath $dir.FullName -File | Where-Object { $names -contains $_.Name }) {
            $abi = Get-NativeAbiVersion -Path $file.FullName
            if ($null -eq $abi) { throw "'$($file.FullName)' is not a native library of this module (it carries no ABI version)." }
            if ($abi -ne $expected) { throw "'$($file.FullName)' has native ABI version $abi; this module's script needs $expected." }
            $destination = Join-Path $ModuleOut "bin/$($dir.Name)"
            New-Item -ItemType Directory -Force -Path $destination | Out-Null
            Copy-Item -LiteralPath $file.FullName -Destination $destination -Force
            Write-Host "Added $($dir.Name)/$($file.Name) (native ABI version $abi)"
            $added++
        }
    }
    if ($added -eq 0) { throw "'$From' holds no native library (expected bin/<os>-<arch>/<library>)." }
}

function Invoke-Package {
    param([switch] $TestHooks)
    Invoke-Build -TestHooks:$TestHooks
    New-Item -ItemType Directory -Force -Path $RepositoryDir | Out-Null
    if (-not (Get-PSResourceRepository -Name $RepositoryName -ErrorAction SilentlyContinue)) {
        Register-PSResourceRepository -Name $RepositoryName -Uri $RepositoryDir -Trusted
    }
    Get-ChildItem -Path $RepositoryDir -Filter "$ModuleName.*.nupkg" | Remove-Item -Force
    Publish-PSResource -Path $ModuleOut -Repository $RepositoryName
    Write-Host "Published $ModuleName to the local repository '$RepositoryName' ($RepositoryDir)"
}

function Invoke-Test {
    Invoke-Package -TestHooks
    if (-not $SkipCargoTest) {
        # Formatting and lints are enforced, not hoped for.
        Invoke-Native cargo @('fmt', '--all', '--check')
        Invoke-Native cargo @('clippy', '--locked', '--workspace', '--all-targets', '--features', 'aws-tools-rustsso/test-hooks', '--', '-D', 'warnings')
        Write-Host '> cargo test --locked --workspace --features aws-tools-rustsso/test-hooks -- --show-output' -ForegroundColor DarkGray
        $passed = 0; $failed = 0
        # --show-output prints what passing tests report (cases run, faults injected, ...).
        & cargo test --locked --workspace --features aws-tools-rustsso/test-hooks -- --show-output 2>&1 | ForEach-Object {
            $line = "$_"
            Write-Host $line
            if ($line -match '^test result: \w+\. (\d+) passed; (\d+) failed') { $passed += [int]$Matches[1]; $failed += [int]$Matches[2] }
        }
        $cargoExit = $LASTEXITCODE
        Write-Host ('cargo test: {0} passed, {1} failed' -f $passed, $failed)
        if ($cargoExit -ne 0) { throw "cargo test failed with exit code $cargoExit." }
    }
    $paths = if ($TestPath) { $TestPath } else { @(Join-Path $Root 'tests') }
    $env:RUSTSSO_TEST_MODULE = $ModuleOut
    $env:RUSTSSO_TEST_FAKE_AWS = Get-FakeAwsPath
    $env:RUSTSSO_TEST_REPOSITORY = $RepositoryName
    $env:RUSTSSO_TEST_SECRETS_FILE = Join-Path $OutDir 'test-secrets.txt'
    $transcript = Join-Path $OutDir 'test-transcript.txt'
    Remove-Item -LiteralPath $env:RUSTSSO_TEST_SECRETS_FILE, $transcript -ErrorAction SilentlyContinue
    $pathList = ($paths | ForEach-Object { "'" + ($_ -replace "'", "''") + "'" }) -join ','
    # A child pwsh, so the native library loaded by the tests never locks files of this build.
    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module Pester -MinimumVersion 5.7.1
`$config = New-PesterConfiguration
`$config.Run.Path = @($pathList)
`$config.Run.PassThru = `$true
`$config.Output.Verbosity = 'Detailed'
Start-Transcript -LiteralPath '$transcript' | Out-Null
`$result = Invoke-Pester -Configuration `$config
Stop-Transcript | Out-Null
# Suite-wide secret scan: no secret any fake issued may appear in the transcript of the run.
`$secrets = @(Get-Content -LiteralPath `$env:RUSTSSO_TEST_SECRETS_FILE -ErrorAction SilentlyContinue | Where-Object { `$_.Length -ge 8 } | Sort-Object -Unique)
`$text = [System.IO.File]::ReadAllText('$transcript')
`$leaks = @(`$secrets | Where-Object { `$text.Contains(`$_) })
Write-Host ('Secret scan: {0} secrets issued by the fakes, {1} transcript lines, {2} found.' -f `$secrets.Count, (`$text -split "``n").Count, `$leaks.Count)
`$failed = `$result.FailedCount
if (`$leaks.Count -gt 0 -or `$secrets.Count -eq 0) { `$failed++ ; Write-Host 'The secret scan failed.' }
Write-Host ('{0} passed, {1} failed' -f `$result.PassedCount, `$failed)
if (`$failed -gt 0 -or `$result.Result -ne 'Passed') { exit 1 }
"@
    $shell = Get-PwshPath
    & $shell -NoProfile -NonInteractive -Command $script
    if ($LASTEXITCODE -ne 0) { throw "Pester reported failures." }
}

function Invoke-WindowsCheck {
    # The Windows build and its tests under Wine, with the script the machine provides beside
    # the checkout. Tests that need programs the Wine prefix lacks are skipped by the script;
    # they are named here with the reason, so no skip is silent.
    $script = Join-Path (Split-Path -Parent $Root) 'shared/windows-cross/windows-cross.sh'
    if (-not (Test-Path -LiteralPath $script)) { throw "The Windows check needs '$script' (the cross-build script beside the checkout)." }
    if (-not $env:WINCROSS_WORK) { $env:WINCROSS_WORK = Join-Path $HOME '.cache/rustsso-wincross' }
    Write-Host 'Windows check: tests skipped under Wine, and why:'
    Write-Host '  botocore_interop (all): needs a Windows python with botocore and boto3 in the Wine prefix'
    Write-Host '  header: committed_header_matches_the_sources: cbindgen runs cargo metadata, and the prefix has no cargo.exe (the Linux run checks the header)'
    Write-Host '  sso_resolution: credential_process_and_static_profiles_still_work: its credential_process runs python3, which the prefix lacks'
    Invoke-Native bash @($script, $Root)
    # The module as a release assembles it: this machine's library and the Windows DLL just
    # checked under Wine, packaged, installed from the local repository and checked by file.
    $dll = Join-Path $env:WINCROSS_WORK 'target/x86_64-pc-windows-gnu/release/aws_tools_rustsso.dll'
    $staged = Join-Path $OutDir 'native-windows'
    Remove-Item -Recurse -Force $staged -ErrorAction SilentlyContinue
    New-Item -ItemType Directory -Force -Path (Join-Path $staged 'bin/win-x64') | Out-Null
    Copy-Item -LiteralPath $dll -Destination (Join-Path $staged 'bin/win-x64')
    $script:NativeLibraryPath = $staged
    $env:RUSTSSO_TEST_WINDOWS_DLL = $dll
    $script:TestPath = @(Join-Path $Root 'tests/Package.Tests.ps1')
    $script:SkipCargoTest = $true
    Invoke-Test
}

function Invoke-Demo {
    Invoke-Build
    $shell = Get-PwshPath
    $demoModules = $OutDir + [System.IO.Path]::PathSeparator + $env:PSModulePath
    if ($ProfileName) {
        $env:PSModulePath = $demoModules
        & $shell -NoProfile -Command "Import-Module $ModuleName; Get-S3Bucket -ProfileName '$($ProfileName -replace "'", "''")' | Format-Table -AutoSize"
        return
    }
    Import-Module (Join-Path $Root 'tests/TestHelpers.psm1') -Force
    $fake = Start-FakeAws -Path (Get-FakeAwsPath)
    $sandbox = New-SsoSandbox -Fake $fake -ProfileName 'demo' -SessionName 'demo-sso' -AccountId '111122223333' -RoleName 'ReadOnly'
    try {
        Set-FakeAwsBuckets -Fake $fake -Buckets @(
            @{ name = 'demo-logs'; creation_date = '2024-03-01T09:30:00Z'; region = 'us-east-1' },
            @{ name = 'demo-reports'; creation_date = '2024-06-15T12:00:00Z'; region = 'eu-west-1' },
            @{ name = 'demo-website'; creation_date = '2025-01-20T18:45:00Z'; region = 'us-west-2' })
        Write-Host "Local fake AWS at $($fake.Endpoint); SSO profile 'demo' (session 'demo-sso') in $($sandbox.ConfigFile)"
        $env:PSModulePath = $demoModules
        Invoke-InSsoSandbox -Sandbox $sandbox -ScriptBlock {
            & $shell -NoProfile -Command "Import-Module $ModuleName; Get-S3Bucket | Format-Table -AutoSize; Get-STSCallerIdentity | Format-Table -AutoSize"
            if ($LASTEXITCODE -ne 0) { throw 'The demo failed.' }
        }
    } finally {
        Remove-SsoSandbox -Sandbox $sandbox
        Stop-FakeAws -Fake $fake
    }
}

function Install-AwsCliV2 {
    # The benchmark's AWS CLI v2 peer: Debian's awscli package, when /usr/bin/aws is missing.
    if ($IsWindows -or $IsMacOS -or (Test-Path -LiteralPath '/usr/bin/aws') -or -not (Get-Command apt-get -ErrorAction Ignore)) { return }
    $asRoot = @()
    if ((& id -u) -ne '0') {
        if (-not (Get-Command sudo -ErrorAction Ignore)) { Write-Warning 'AWS CLI v2 (apt-get install awscli) needs root or sudo; the benchmark goes on without it.'; return }
        $asRoot = @('sudo')
    }
    Write-Host 'Installing the AWS CLI v2 peer (apt-get install awscli)'
    $env:DEBIAN_FRONTEND = 'noninteractive'
    foreach ($step in @(@('apt-get', 'update', '-qq'), @('apt-get', 'install', '-y', '-qq', 'awscli'))) {
        $command = $asRoot + $step
        & $command[0] @($command | Select-Object -Skip 1) | Out-Null
        if ($LASTEXITCODE -ne 0) { Write-Warning "'$($command -join ' ')' failed; the benchmark goes on without AWS CLI v2."; return }
    }
}

function Invoke-Bench {
    Invoke-Build
    Install-AwsCliV2
    & (Join-Path $Root 'tests/bench/Invoke-Benchmark.ps1') -OutFile (Join-Path $Root 'docs/benchmarks.md') `
        -FakeAwsPath (Get-FakeAwsPath) -ModulePath $ModuleOut
}

function Invoke-Docs {
    # A login in headless Chromium against the local fake, and a screenshot of the page it ends on.
    if ($NoBuild) {
        if (-not (Test-Path -LiteralPath (Join-Path $ModuleOut "$ModuleName.psd1")) -or -not (Test-Path -LiteralPath (Get-FakeAwsPath))) {
            throw "-NoBuild needs a built module in $ModuleOut and the fake-aws binary: run ./build.ps1 -Task Build first."
        }
    } else { Invoke-Build }
    Import-Module (Join-Path $Root 'tests/TestHelpers.psm1') -Force
    Import-Module (Join-Path $Root 'tests/browser/ChromeDriver.psm1') -Force
    $chromium = Find-Chromium
    if ($chromium.Missing) { throw "The Docs task takes its screenshot with headless Chromium, but $($chromium.Missing)." }
    $image = Join-Path $Root 'docs/images/login-success.png'
    $shell = Get-PwshPath
    $fake = Start-FakeAws -Path (Get-FakeAwsPath)
    $driver = $null; $sandbox = $null; $saved = @{}
    try {
        $driver = Start-ChromeDriver -Path $chromium.Driver -Browser $chromium.Browser
        $session = New-ChromiumSession -Driver $driver -WindowSize '800,480'
        # The profile of the README's example.
        $sandbox = New-SsoSandbox -Fake $fake -ProfileName 'my-dev' -SessionName 'my-sso' -StartUrl 'https://my-sso-portal.awsapps.com/start' -NoToken
        $record = Join-Path $sandbox.Home 'browser-record.json'
        $environment = Get-ChromiumLauncherEnvironment -Session $session -RecordPath $record
        $environment['PSModulePath'] = $OutDir + [System.IO.Path]::PathSeparator + $env:PSModulePath
        foreach ($name in $environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            Set-TestEnvironmentVariable -Name $name -Value $environment[$name]
        }
        Write-Host "Logging in to the local fake AWS ($($fake.Endpoint)) as profile 'my-dev' with headless Chromium"
        Invoke-InSsoSandbox -Sandbox $sandbox {
            & $shell -NoProfile -NonInteractive -Command "Import-Module $ModuleName; Invoke-AWSSSOLogin -ProfileName my-dev -TimeoutSec 30 -BrowserCommand '$(Get-ChromiumLauncherPath)' 6>`$null | Out-Null"
            if ($LASTEXITCODE -ne 0) { throw 'The login for the screenshot failed.' }
        }
        $port = (Get-Content -Raw -LiteralPath $record | ConvertFrom-Json).port
        $page = Wait-ChromiumPage -Session $session -UrlPrefix "http://127.0.0.1:$port/oauth/callback"
        Save-ChromiumScreenshot -Session $session -Path $image
        Write-Host "Saved $image (the page '$($page.Title)')"
    } finally {
        if ($driver) { Stop-ChromeDriver -Driver $driver }
        if ($sandbox) { Remove-SsoSandbox -Sandbox $sandbox }
        Stop-FakeAws -Fake $fake
        foreach ($name in $saved.Keys) { Set-TestEnvironmentVariable -Name $name -Value $saved[$name] }
    }
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Package' { Invoke-Package }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Docs' { Invoke-Docs }
    'WindowsCheck' { Invoke-WindowsCheck }
}
