<#
.SYNOPSIS
Measures AWS.Tools.RustSSO against its peers on the local fake AWS and writes a markdown report.

.DESCRIPTION
Starts the bundled fake AWS (tests/TestHelpers.psm1: Start-FakeAws), creates an SSO sandbox with
a valid cached token (New-SsoSandbox) and measures, in one go:

  Cold process  Each run a new process with the sandbox environment: `pwsh -NoProfile -Command
                exit` (the floor), Import-Module AWS.Tools.RustSSO, and Import + one Get-S3Bucket
                -ProfileName <sso profile>. Peers for the same job: the AWS SDK for .NET v4 loaded
                with Add-Type into pwsh (SSO credentials from CredentialProfileStoreChain, then
                ListBuckets), AWS CLI v2 (/usr/bin/aws, Debian's awscli) and AWS CLI v1 (pip) with
                `aws s3api list-buckets --profile <sso profile> --endpoint-url <fake>`. The jobs
                are interleaved run by run; one warm-up round is discarded.
  Warm session  In one pwsh session, per-call time of Get-S3Bucket -ProfileName <sso profile>;
                the .NET SDK's ListBuckets with a reused client; the floor: GET /_fake/health with
                a reused System.Net.Http.HttpClient from the same session as ours.
  Scale         10,000 and 100,000 buckets in the fake; `Get-S3Bucket -MaxBucket 1000 |
                Measure-Object` in a child pwsh: time to the first object, total time and the
                growth of the process's peak working set; the .NET SDK paging with MaxBuckets 1000
                through the same pipeline as the peer.
  Work avoided  Counters reset, then a number of commands (Get-S3Bucket and Get-STSCallerIdentity
                alternating) in one session; the fake's sso:GetRoleCredentials and
                oidc:CreateToken counts.
  Footprint     Size of the native library and of the whole module folder (peer: the four
                AWSSDK assemblies).

Every figure is the median of the repeated runs (or calls), with min and max. The table is
printed and, with -OutFile, written into a markdown report with the date, the machine and the
exact command line. When the -OutFile exists and contains the markers
<!-- benchmark-results:begin --> and <!-- benchmark-results:end -->, only the text between them
is replaced, so hand-written sections around the results are kept.

The .NET SDK is downloaded from NuGet on first use (a temporary csproj with <PackageDownload>
and `dotnet restore --packages`) into -SdkPackageDirectory. A peer that is missing or fails is
reported as such; it never stops the benchmark.

.PARAMETER ColdRuns
How many measured runs of each cold-process job (after one discarded warm-up round). Default 10.

.PARAMETER WarmCalls
How many timed calls in each warm session. Default 1000.

.PARAMETER WarmupCalls
Untimed calls before the timed ones in each warm session, ours and the .NET peer's alike: the
first call resolves credentials, and .NET's tiered JIT recompiles a method with full
optimisation only after about 30 calls (in the background), so "warm" means after that.
Default 300.

.PARAMETER ScaleRuns
How many runs (each a new pwsh) per bucket count in the scale measurement. Default 3.

.PARAMETER WorkCommands
How many commands the work-avoided session runs. Default 1000.

.PARAMETER Quick
Small repeat counts for trying the script out: 3 cold runs, 100 warm calls, 1 scale run and 100
commands, unless those parameters are given explicitly. The scale sizes stay 10k and 100k.

.PARAMETER OutFile
Writes the markdown report to this path (see the description for the markers).

.PARAMETER FakeAwsPath
The fake-aws binary. Default: $env:RUSTSSO_TEST_FAKE_AWS, else target/release/fake-aws.

.PARAMETER ModulePath
The built module folder. Default: $env:RUSTSSO_TEST_MODULE, else out/AWS.Tools.RustSSO.

.PARAMETER SdkPackageDirectory
Where the AWSSDK NuGet packages are downloaded to and reused from. Default: out/bench/nuget.

.PARAMETER SkipSdk
Does not measure the AWS SDK for .NET peer (no download).

.PARAMETER SdkCredentials
How the .NET SDK peer gets credentials: Auto (the SSO profile, falling back to the fake's static
keys when the SDK's SSO call cannot be pointed at the fake), SSO, or Static.

.EXAMPLE
./tests/bench/Invoke-Benchmark.ps1 -Quick

A fast trial run that prints the table.

.EXAMPLE
./build.ps1 -Task Bench

Builds the module and runs the full benchmark, writing docs/benchmarks.md.
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 1000)] [int] $ColdRuns = 10,
    [ValidateRange(1, 100000)] [int] $WarmCalls = 1000,
    [ValidateRange(0, 10000)] [int] $WarmupCalls = 300,
    [ValidateRange(1, 100)] [int] $ScaleRuns = 3,
    [ValidateRange(2, 100000)] [int] $WorkCommands = 1000,
    [switch] $Quick,
    [string] $OutFile,
    [string] $FakeAwsPath = $env:RUSTSSO_TEST_FAKE_AWS,
    [string] $ModulePath = $env:RUSTSSO_TEST_MODULE,
    [string] $SdkPackageDirectory,
    [switch] $SkipSdk,
    [ValidateSet('Auto', 'SSO', 'Static')] [string] $SdkCredentials = 'Auto'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
if ($Quick) {
    if (-not $PSBoundParameters.ContainsKey('ColdRuns')) { $ColdRuns = 3 }
    if (-not $PSBoundParameters.ContainsKey('WarmCalls')) { $WarmCalls = 100 }
    if (-not $PSBoundParameters.ContainsKey('ScaleRuns')) { $ScaleRuns = 1 }
    if (-not $PSBoundParameters.ContainsKey('WorkCommands')) { $WorkCommands = 100 }
}
if (-not $FakeAwsPath) { $FakeAwsPath = Join-Path $RepoRoot ('target/release/fake-aws' + $(if ($IsWindows) { '.exe' } else { '' })) }
if (-not $ModulePath) { $ModulePath = Join-Path $RepoRoot 'out/AWS.Tools.RustSSO' }
if (-not $SdkPackageDirectory) { $SdkPackageDirectory = Join-Path $RepoRoot 'out/bench/nuget' }
if (-not (Test-Path -LiteralPath (Join-Path $ModulePath 'AWS.Tools.RustSSO.psd1'))) { throw "The built module was not found in '$ModulePath' (./build.ps1 -Task Build)." }
if (-not (Test-Path -LiteralPath $FakeAwsPath)) { throw "fake-aws was not found at '$FakeAwsPath' (./build.ps1 -Task Build)." }
$ModulePath = (Resolve-Path -LiteralPath $ModulePath).Path
$FakeAwsPath = (Resolve-Path -LiteralPath $FakeAwsPath).Path
# The helpers put the module's parent folder first on the child's PSModulePath from this variable.
$env:RUSTSSO_TEST_MODULE = $ModulePath
Import-Module (Join-Path $RepoRoot 'tests/TestHelpers.psm1') -Force

$ProfileName = 'bench'
$SdkPackages = [ordered]@{ 'AWSSDK.Core' = '4.1.0'; 'AWSSDK.S3' = '4.1.0'; 'AWSSDK.SSO' = '4.0.100.26'; 'AWSSDK.SSOOIDC' = '4.0.100.25' }
# The default static key of the fake, for the .NET SDK fallback when its SSO call cannot reach it.
$StaticKeyId = 'AKIDEXAMPLESTATIC'
$StaticSecret = 'static-secret-key-example'
# The environment of the AWS CLI v2 job: the fake's static keys instead of the SSO profile.
$StaticKeyEnvironment = [ordered]@{ AWS_ACCESS_KEY_ID = $StaticKeyId; AWS_SECRET_ACCESS_KEY = $StaticSecret; AWS_PROFILE = $null; AWS_DEFAULT_REGION = 'us-east-1' }

#region Statistics and running things

function Get-Stat {
    # Median, min and max of a set of numbers.
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [double[]] $Values)
    if ($Values.Count -eq 0) { return $null }
    $sorted = [double[]]$Values.Clone()
    [array]::Sort($sorted)
    $mid = [int][math]::Floor($sorted.Count / 2)
    $median = if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
    $mean = ($sorted | Measure-Object -Average).Average
    [pscustomobject]@{ Median = $median; Min = $sorted[0]; Max = $sorted[-1]; Mean = $mean; Count = $sorted.Count }
}

function Get-ChildEnvironment {
    # The sandbox environment plus what every child needs, for a ProcessStartInfo.
    param([Parameter(Mandatory)] $Sandbox, [System.Collections.IDictionary] $Extra = @{})
    $environment = [ordered]@{}
    $sandboxEnvironment = Get-SsoSandboxEnvironment -Sandbox $Sandbox
    foreach ($name in $sandboxEnvironment.Keys) { $environment[$name] = $sandboxEnvironment[$name] }
    $environment['PSModulePath'] = (Split-Path -Parent $ModulePath) + [System.IO.Path]::PathSeparator + $env:PSModulePath
    $environment['AWS_PAGER'] = ''
    foreach ($name in $Extra.Keys) { $environment[$name] = $Extra[$name] }
    $environment
}

function Measure-ProcessRun {
    # Runs one process to its end and returns the wall time in ms from start to exit, with its
    # output. Throws when the process fails or times out.
    param(
        [Parameter(Mandatory)] [string] $FilePath,
        [string[]] $ArgumentList = @(),
        [System.Collections.IDictionary] $Environment = @{},
        [int] $TimeoutSeconds = 120
    )
    $info = [System.Diagnostics.ProcessStartInfo]::new($FilePath)
    foreach ($argument in $ArgumentList) { $info.ArgumentList.Add($argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    foreach ($name in $Environment.Keys) {
        $value = $Environment[$name]
        if ($null -eq $value) { [void]$info.Environment.Remove($name) } else { $info.Environment[$name] = [string]$value }
    }
    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    $process = [System.Diagnostics.Process]::Start($info)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $process.StandardInput.Close()
    if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
        $process.Kill($true)
        throw "'$FilePath $($ArgumentList -join ' ')' did not finish within $TimeoutSeconds s."
    }
    $process.WaitForExit()
    $elapsed = $stopwatch.Elapsed.TotalMilliseconds
    $result = [pscustomobject]@{ Milliseconds = $elapsed; ExitCode = $process.ExitCode; StdOut = $stdout.Result; StdErr = $stderr.Result }
    $process.Dispose()
    if ($result.ExitCode -ne 0) {
        throw "'$([System.IO.Path]::GetFileName($FilePath)) $($ArgumentList -join ' ')' exited with $($result.ExitCode): $($result.StdErr.Trim()) $($result.StdOut.Trim())"
    }
    $result
}

function Expand-Template {
    # Replaces @@NAME@@ in a child script with values.
    param([Parameter(Mandatory)] [string] $Template, [Parameter(Mandatory)] [hashtable] $Values)
    $text = $Template
    foreach ($name in $Values.Keys) { $text = $text.Replace("@@$name@@", [string]$Values[$name]) }
    if ($text -match '@@[A-Z_]+@@') { throw "Unexpanded placeholder $($Matches[0]) in a child script." }
    $text
}

function Invoke-BenchChild {
    # Runs a script in a new pwsh with the sandbox environment and returns the object it wrote
    # as its 'BENCH_RESULT=<json>' line.
    param([Parameter(Mandatory)] [string] $Script, [Parameter(Mandatory)] $Sandbox, [int] $TimeoutSeconds = 600)
    $run = Invoke-ChildPwsh -Script $Script -Environment (Get-ChildEnvironment -Sandbox $Sandbox) -TimeoutSeconds $TimeoutSeconds
    $line = @($run.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('BENCH_RESULT=') }) | Select-Object -Last 1
    if ($run.ExitCode -ne 0 -or -not $line) { throw "Child pwsh failed (exit $($run.ExitCode)): $($run.StdErr.Trim()) $($run.StdOut.Trim())" }
    $line.Substring('BENCH_RESULT='.Length) | ConvertFrom-Json
}

function Get-FakeCounters {
    # The fake's counters as a hashtable (absent = 0).
    param([Parameter(Mandatory)] $Fake)
    $counters = @{}
    $answer = Invoke-FakeAws -Fake $Fake -Path '/_fake/counters'
    foreach ($property in $answer.PSObject.Properties) { $counters[$property.Name] = [int]$property.Value }
    $counters
}

function Get-CounterValue {
    param([hashtable] $Counters, [string] $Name)
    if ($Counters.ContainsKey($Name)) { $Counters[$Name] } else { 0 }
}

function Reset-FakeCounters {
    param([Parameter(Mandatory)] $Fake)
    Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null
    Invoke-FakeAws -Fake $Fake -Path '/_fake/requests' -Method DELETE | Out-Null
}

function Get-DirectorySize {
    param([Parameter(Mandatory)] [string] $Path)
    $sum = (Get-ChildItem -LiteralPath $Path -Recurse -File -Force | Measure-Object -Property Length -Sum).Sum
    if ($sum) { [double]$sum } else { 0.0 }
}

#endregion

#region Peers

function Install-SdkPeer {
    # Downloads the AWSSDK packages (once) and returns the DLL paths, or a reason it could not.
    $dlls = [System.Collections.Generic.List[string]]::new()
    foreach ($id in $SdkPackages.Keys) {
        $lib = Join-Path $SdkPackageDirectory "$($id.ToLowerInvariant())/$($SdkPackages[$id])/lib"
        $dll = @('net8.0', 'netstandard2.0') | ForEach-Object { Join-Path $lib "$_/$id.dll" } | Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
        if (-not $dll) { $dlls = $null; break }
        $dlls.Add($dll)
    }
    if ($dlls) { return [pscustomobject]@{ Dlls = $dlls.ToArray(); Reason = $null } }

    $dotnet = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
    if (-not $dotnet) { return [pscustomobject]@{ Dlls = $null; Reason = 'dotnet not found' } }
    $sdkVersion = (& $dotnet.Source --version 2>$null | Select-Object -First 1)
    $framework = if ($sdkVersion -match '^(\d+)\.') { "net$($Matches[1]).0" } else { 'net8.0' }
    $project = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-bench-sdk-' + [guid]::NewGuid().ToString('n'))
    New-Item -ItemType Directory -Force -Path $project, $SdkPackageDirectory | Out-Null
    try {
        $items = ($SdkPackages.Keys | ForEach-Object { "    <PackageDownload Include=`"$_`" Version=`"[$($SdkPackages[$_])]`" />" }) -join "`n"
        Set-Content -LiteralPath (Join-Path $project 'sdk.csproj') -Encoding utf8 -Value @"
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>$framework</TargetFramework></PropertyGroup>
  <ItemGroup>
$items
  </ItemGroup>
</Project>
"@
        Write-Host "Downloading the AWS SDK for .NET ($(($SdkPackages.Keys | ForEach-Object { "$_ $($SdkPackages[$_])" }) -join ', ')) into $SdkPackageDirectory"
        $output = & $dotnet.Source restore (Join-Path $project 'sdk.csproj') --packages $SdkPackageDirectory --nologo 2>&1
        if ($LASTEXITCODE -ne 0) { return [pscustomobject]@{ Dlls = $null; Reason = "dotnet restore failed: $(($output | Select-Object -Last 3) -join ' ')" } }
    } finally { Remove-Item -LiteralPath $project -Recurse -Force -ErrorAction SilentlyContinue }
    Install-SdkPeer
}

function Get-SdkScriptPart {
    # The lines a child pwsh needs to load the SDK and get $client (an AmazonS3Client) for the fake.
    param([Parameter(Mandatory)] [string[]] $Dlls, [Parameter(Mandatory)] [ValidateSet('SSO', 'Static')] [string] $Mode, [Parameter(Mandatory)] $Fake)
    $load = 'Add-Type -Path ' + (($Dlls | ForEach-Object { "'" + ($_ -replace "'", "''") + "'" }) -join ',')
    $credentials = if ($Mode -eq 'SSO') {
        @"
`$chain = [Amazon.Runtime.CredentialManagement.CredentialProfileStoreChain]::new()
`$creds = `$null
if (-not `$chain.TryGetAWSCredentials('$ProfileName', [ref]`$creds)) { throw 'The SDK did not find the profile.' }
"@
    } else {
        "`$creds = [Amazon.Runtime.BasicAWSCredentials]::new('$StaticKeyId', '$StaticSecret')"
    }
    [pscustomobject]@{
        Load   = $load
        Client = @"
$credentials
`$cfg = [Amazon.S3.AmazonS3Config]::new()
`$cfg.ServiceURL = '$($Fake.Endpoint)'
`$cfg.ForcePathStyle = `$true
`$cfg.AuthenticationRegion = 'us-east-1'
`$client = [Amazon.S3.AmazonS3Client]::new(`$creds, `$cfg)
"@
    }
}

function Find-AwsCli {
    # AWS CLI v2 (/usr/bin/aws, Debian's awscli) and v1 (pip, the aws on PATH, pyenv shims
    # resolved to the real script so the shim's start-up is not counted).
    $found = [ordered]@{ V2 = $null; V1 = $null }
    $candidates = [System.Collections.Generic.List[string]]::new()
    if (Test-Path -LiteralPath '/usr/bin/aws') { $candidates.Add('/usr/bin/aws') }
    foreach ($command in @(Get-Command aws -CommandType Application -All -ErrorAction SilentlyContinue)) {
        $path = $command.Source
        if ($path -match '[\\/]shims[\\/]') {
            $pyenv = Get-Command pyenv -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            if ($pyenv) { $resolved = & $pyenv.Source which aws 2>$null; if ($LASTEXITCODE -eq 0 -and $resolved) { $path = [string]$resolved } }
        }
        if (-not $candidates.Contains($path)) { $candidates.Add($path) }
    }
    foreach ($path in $candidates) {
        $version = (& $path --version 2>&1 | Select-Object -First 1) -as [string]
        $entry = [pscustomobject]@{ Path = $path; Version = "$version".Trim(); Failure = $null; Label = $null }
        if ($version -match '^aws-cli/2\.' -and -not $found.V2) { $found.V2 = $entry }
        elseif ($version -match '^aws-cli/1\.' -and -not $found.V1) { $found.V1 = $entry }
    }
    if ($found.V2) { $found.V2.Label = 'AWS CLI v2 (static keys, --endpoint-url)' }
    if ($found.V1) { $found.V1.Label = 'AWS CLI v1' }
    $found
}

#endregion

#region Measurements

function Measure-ColdProcess {
    # Each job a new process; jobs interleaved run by run, one discarded warm-up round that also
    # checks every job's answer (and where the peers' SSO calls went).
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory)] $Sandbox, $Sdk, $Cli, [int] $ExpectedBuckets)
    $shell = Get-ShellPath
    $environment = Get-ChildEnvironment -Sandbox $Sandbox
    $pwshArgs = @('-NoProfile', '-NonInteractive', '-Command')
    $check = "if (`$n -ne $ExpectedBuckets) { [Console]::Error.WriteLine(""expected $ExpectedBuckets buckets, got `$n""); exit 3 }"
    $jobs = [System.Collections.Generic.List[object]]::new()
    $jobs.Add([pscustomobject]@{ Key = 'Floor'; Label = 'floor'; File = $shell; Args = $pwshArgs + 'exit'; Agent = $null })
    $jobs.Add([pscustomobject]@{ Key = 'Import'; Label = 'Import-Module'; File = $shell; Args = $pwshArgs + 'Import-Module AWS.Tools.RustSSO'; Agent = $null })
    $jobs.Add([pscustomobject]@{ Key = 'ImportGet'; Label = 'Import + Get-S3Bucket'; File = $shell; Agent = $null
            Args = $pwshArgs + "Import-Module AWS.Tools.RustSSO; `$n = @(Get-S3Bucket -ProfileName $ProfileName).Count; $check" })
    if ($Sdk.Available) {
        $part = $Sdk.Script
        $jobs.Add([pscustomobject]@{ Key = 'SdkLoad'; Label = "$($Sdk.Label) Add-Type"; File = $shell; Args = $pwshArgs + $part.Load; Agent = $null })
        $jobs.Add([pscustomobject]@{ Key = 'Sdk'; Label = $Sdk.Label; File = $shell; Agent = 'aws-sdk-dotnet'
                Args = $pwshArgs + "$($part.Load)`n$($part.Client)`n`$n = `$client.ListBucketsAsync().GetAwaiter().GetResult().Buckets.Count`n$check" })
    }
    foreach ($key in 'V2', 'V1') {
        if ($Cli[$key] -and -not $Cli[$key].Failure) {
            # AWS CLI v2.9 ignores AWS_ENDPOINT_URL, so its SSO call cannot reach the fake: it runs
            # with the fake's static keys (no SSO resolution) and --endpoint-url, labelled so.
            $cliArgs = if ($key -eq 'V2') { @('s3api', 'list-buckets', '--endpoint-url', $Fake.Endpoint, '--output', 'json') }
            else { @('s3api', 'list-buckets', '--profile', $ProfileName, '--endpoint-url', $Fake.Endpoint, '--output', 'json') }
            $jobs.Add([pscustomobject]@{ Key = "Cli$key"; Label = $Cli[$key].Label; File = $Cli[$key].Path; Agent = 'aws-cli'; Args = $cliArgs
                    Environment = $(if ($key -eq 'V2') { $StaticKeyEnvironment } else { $null }) })
        }
    }
    $times = @{}
    foreach ($job in $jobs) { $times[$job.Key] = [System.Collections.Generic.List[double]]::new() }
    $notes = [System.Collections.Generic.List[string]]::new()
    for ($round = 0; $round -le $ColdRuns; $round++) {
        Write-Host ("  cold round {0}/{1}{2}" -f $round, $ColdRuns, $(if ($round -eq 0) { ' (warm-up)' } else { '' }))
        foreach ($job in @($jobs)) {
            if ($round -eq 0) { Reset-FakeCounters -Fake $Fake }
            try {
                $jobEnvironment = $environment
                if ($job.PSObject.Properties['Environment'] -and $job.Environment) {
                    $jobEnvironment = [ordered]@{}
                    foreach ($name in $environment.Keys) { $jobEnvironment[$name] = $environment[$name] }
                    foreach ($name in $job.Environment.Keys) { $jobEnvironment[$name] = $job.Environment[$name] }
                }
                $run = Measure-ProcessRun -FilePath $job.File -ArgumentList $job.Args -Environment $jobEnvironment
            } catch {
                if ($job.Key -in 'Floor', 'Import', 'ImportGet') { throw }
                Write-Warning "Peer job $($job.Key) failed: $_"
                $times.Remove($job.Key)
                [void]$jobs.Remove($job)
                if ($job.Key -like 'Cli*') { $Cli[$job.Key.Substring(3)].Failure = [string]$_ }
                else { $Sdk.Failure = [string]$_ }
                continue
            }
            if ($round -eq 0) {
                if ($job.Key -like 'Cli*') {
                    $count = @((ConvertFrom-Json $run.StdOut).Buckets).Count
                    if ($count -ne $ExpectedBuckets) { throw "$($job.Key) listed $count buckets, expected $ExpectedBuckets." }
                }
                if ($job.Agent) {
                    # Where did the peer's SSO call go? The request log tells by user agent.
                    $log = @(Invoke-FakeAws -Fake $Fake -Path '/_fake/requests')
                    $sso = @($log | Where-Object { $_.operation -eq 'sso:GetRoleCredentials' -and "$($_.user_agent)" -like "$($job.Agent)*" })
                    $notes.Add(("{0}: its first run made {1} sso:GetRoleCredentials call(s) to the fake (request log, by user agent)." -f $job.Label, $sso.Count))
                }
            } else {
                $times[$job.Key].Add($run.Milliseconds)
            }
        }
    }
    $stats = @{}
    foreach ($key in $times.Keys) { $stats[$key] = Get-Stat -Values $times[$key].ToArray() }
    [pscustomobject]@{ Stats = $stats; Notes = $notes }
}

function Measure-WarmSession {
    # Per-call times in one session: ours and the fake's bare round trip (HttpClient, same
    # session); the .NET SDK with a reused client in its own session. Counters are read per
    # session for the work-avoided comparison.
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory)] $Sandbox, $Sdk)
    $ours = Expand-Template -Values @{ PROFILE = $ProfileName; N = $WarmCalls; W = $WarmupCalls; HEALTH = "$($Fake.Endpoint)/_fake/health" } -Template @'
$ErrorActionPreference = 'Stop'
Import-Module AWS.Tools.RustSSO
$n = @@N@@; $w = @@W@@
for ($i = 0; $i -lt $w; $i++) { $null = Get-S3Bucket -ProfileName '@@PROFILE@@' }
$ours = [double[]]::new($n)
$sw = [System.Diagnostics.Stopwatch]::new()
for ($i = 0; $i -lt $n; $i++) { $sw.Restart(); $null = Get-S3Bucket -ProfileName '@@PROFILE@@'; $ours[$i] = $sw.Elapsed.TotalMilliseconds }
# Diagnostic: the native call alone (the module's own request JSON, built once), no PowerShell layer.
$native = $null
try {
    $request = [AWS.Tools.RustSSO.Interop.Json]::Write(@{ op = 's3.list_buckets'; params = @{ auth = @{ profile = '@@PROFILE@@' } }; env = [AWS.Tools.RustSSO.Interop.Commands]::EnvironmentView() })
    for ($i = 0; $i -lt $w; $i++) { if (-not [AWS.Tools.RustSSO.Interop.Native]::Call($request, $null).IsSuccess) { throw 'native call failed' } }
    $native = [double[]]::new($n)
    for ($i = 0; $i -lt $n; $i++) { $sw.Restart(); $null = [AWS.Tools.RustSSO.Interop.Native]::Call($request, $null); $native[$i] = $sw.Elapsed.TotalMilliseconds }
} catch { $native = $null }
$http = [System.Net.Http.HttpClient]::new()
for ($i = 0; $i -lt $w; $i++) { $null = $http.GetStringAsync('@@HEALTH@@').GetAwaiter().GetResult() }
$floor = [double[]]::new($n)
for ($i = 0; $i -lt $n; $i++) { $sw.Restart(); $null = $http.GetStringAsync('@@HEALTH@@').GetAwaiter().GetResult(); $floor[$i] = $sw.Elapsed.TotalMilliseconds }
'BENCH_RESULT=' + (ConvertTo-Json -Compress -InputObject @{ ours = $ours; floor = $floor; native = $native })
'@
    Reset-FakeCounters -Fake $Fake
    $result = Invoke-BenchChild -Script $ours -Sandbox $Sandbox
    $warm = [ordered]@{
        Ours = Get-Stat -Values ([double[]]$result.ours); Floor = Get-Stat -Values ([double[]]$result.floor)
        Native = if ($null -ne $result.native) { Get-Stat -Values ([double[]]$result.native) } else { $null }
        OursCounters = Get-FakeCounters -Fake $Fake; Sdk = $null; SdkCounters = $null
    }
    if ($Sdk.Available) {
        $peer = Expand-Template -Values @{ LOAD = $Sdk.Script.Load; CLIENT = $Sdk.Script.Client; N = $WarmCalls; W = $WarmupCalls } -Template @'
$ErrorActionPreference = 'Stop'
@@LOAD@@
@@CLIENT@@
$n = @@N@@; $w = @@W@@
for ($i = 0; $i -lt $w; $i++) { $null = $client.ListBucketsAsync().GetAwaiter().GetResult() }
$times = [double[]]::new($n)
$sw = [System.Diagnostics.Stopwatch]::new()
for ($i = 0; $i -lt $n; $i++) { $sw.Restart(); $null = $client.ListBucketsAsync().GetAwaiter().GetResult(); $times[$i] = $sw.Elapsed.TotalMilliseconds }
'BENCH_RESULT=' + (ConvertTo-Json -Compress -InputObject @{ times = $times })
'@
        try {
            Reset-FakeCounters -Fake $Fake
            $warm.Sdk = Get-Stat -Values ([double[]](Invoke-BenchChild -Script $peer -Sandbox $Sandbox).times)
            $warm.SdkCounters = Get-FakeCounters -Fake $Fake
        } catch { Write-Warning "The .NET SDK warm session failed: $_" }
    }
    [pscustomobject]$warm
}

function Measure-WorkAvoided {
    # One session of alternating Get-S3Bucket and Get-STSCallerIdentity; what reached the fake.
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory)] $Sandbox)
    $script = Expand-Template -Values @{ PROFILE = $ProfileName; N = $WorkCommands } -Template @'
$ErrorActionPreference = 'Stop'
Import-Module AWS.Tools.RustSSO
$sw = [System.Diagnostics.Stopwatch]::StartNew()
for ($i = 0; $i -lt @@N@@; $i++) {
    if ($i % 2) { $null = Get-STSCallerIdentity -ProfileName '@@PROFILE@@' } else { $null = Get-S3Bucket -ProfileName '@@PROFILE@@' }
}
'BENCH_RESULT=' + (ConvertTo-Json -Compress -InputObject @{ ms = $sw.Elapsed.TotalMilliseconds })
'@
    Reset-FakeCounters -Fake $Fake
    $result = Invoke-BenchChild -Script $script -Sandbox $Sandbox
    [pscustomobject]@{ Counters = Get-FakeCounters -Fake $Fake; Milliseconds = [double]$result.ms }
}

function Measure-Scale {
    # For each bucket count: child pwsh runs of ours and the .NET SDK peer, interleaved.
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory)] $Sandbox, $Sdk, [int[]] $Sizes = @(10000, 100000))
    # Warm-up (credentials, native library, pipeline) before the 'before' reading; then the
    # stopwatch, the first object's time, the total and the peak working set after.
    $measure = @'
[System.GC]::Collect()
$proc = [System.Diagnostics.Process]::GetCurrentProcess()
$before = $proc.PeakWorkingSet64
$first = -1.0
$sw = [System.Diagnostics.Stopwatch]::StartNew()
$count = (@@LIST@@ | ForEach-Object -Process { if ($first -lt 0) { $first = $sw.Elapsed.TotalMilliseconds }; $_ } | Measure-Object).Count
$total = $sw.Elapsed.TotalMilliseconds
$proc.Refresh()
$after = $proc.PeakWorkingSet64
'BENCH_RESULT=' + (ConvertTo-Json -Compress -InputObject @{ first = $first; total = $total; count = $count; growth = ($after - $before) })
'@
    $ours = "`$ErrorActionPreference = 'Stop'`nImport-Module AWS.Tools.RustSSO`n" +
    "`$null = Get-S3Bucket -ProfileName '$ProfileName' -MaxBucket 1 -NoAutoIteration`n" +
    $measure.Replace('@@LIST@@', "Get-S3Bucket -ProfileName '$ProfileName' -MaxBucket 1000")
    $peer = $null
    if ($Sdk.Available) {
        $peer = "`$ErrorActionPreference = 'Stop'`n$($Sdk.Script.Load)`n$($Sdk.Script.Client)`n" + @'
function Get-SdkBucket {
    # ListBuckets page by page, each page's buckets written as they arrive.
    param($Client, [int] $MaxBuckets, [switch] $OnePage)
    $request = [Amazon.S3.Model.ListBucketsRequest]::new()
    $request.MaxBuckets = $MaxBuckets
    do {
        $response = $Client.ListBucketsAsync($request).GetAwaiter().GetResult()
        $response.Buckets
        $request.ContinuationToken = $response.ContinuationToken
    } while ($response.ContinuationToken -and -not $OnePage)
}
$null = Get-SdkBucket -Client $client -MaxBuckets 1 -OnePage
'@ + "`n" + $measure.Replace('@@LIST@@', 'Get-SdkBucket -Client $client -MaxBuckets 1000')
    }
    $results = [System.Collections.Generic.List[object]]::new()
    foreach ($size in $Sizes) {
        Invoke-FakeAws -Fake $Fake -Path '/_fake/buckets/generate' -Method POST -Body @{ count = $size; prefix = 'bench-'; replace = $true } | Out-Null
        $runs = @{ Ours = [System.Collections.Generic.List[object]]::new(); Sdk = [System.Collections.Generic.List[object]]::new() }
        for ($i = 1; $i -le $ScaleRuns; $i++) {
            Write-Host "  scale $size buckets, run $i/$ScaleRuns"
            $r = Invoke-BenchChild -Script $ours -Sandbox $Sandbox
            if ([int]$r.count -ne $size) { throw "Get-S3Bucket listed $($r.count) of $size buckets." }
            $runs.Ours.Add($r)
            if ($peer) {
                try {
                    $r = Invoke-BenchChild -Script $peer -Sandbox $Sandbox
                    if ([int]$r.count -ne $size) { throw "The .NET SDK listed $($r.count) of $size buckets." }
                    $runs.Sdk.Add($r)
                } catch { Write-Warning "The .NET SDK scale run failed: $_"; $peer = $null }
            }
        }
        $entry = [ordered]@{}
        foreach ($who in 'Ours', 'Sdk') {
            $list = $runs[$who]
            $entry[$who] = if ($list.Count) {
                [pscustomobject]@{
                    First  = Get-Stat -Values ([double[]]@($list | ForEach-Object { $_.first }))
                    Total  = Get-Stat -Values ([double[]]@($list | ForEach-Object { $_.total }))
                    Growth = Get-Stat -Values ([double[]]@($list | ForEach-Object { [double]$_.growth / 1MB }))
                }
            } else { $null }
        }
        $entry['Size'] = $size
        $results.Add([pscustomobject]$entry)
    }
    Invoke-FakeAws -Fake $Fake -Path '/_fake/buckets' -Method DELETE | Out-Null
    $results.ToArray()
}

function Measure-Footprint {
    param($Sdk)
    $native = Get-ChildItem -LiteralPath (Join-Path $ModulePath 'bin') -Recurse -File |
        Where-Object { $_.Name -match '^(lib)?aws_tools_rustsso\.(so|dylib|dll)$' } | Select-Object -First 1
    [pscustomobject]@{
        NativeMB    = if ($native) { $native.Length / 1MB } else { $null }
        NativeName  = if ($native) { [System.IO.Path]::GetRelativePath($ModulePath, $native.FullName) } else { 'not found' }
        ModuleMB    = (Get-DirectorySize -Path $ModulePath) / 1MB
        SdkMB       = if ($Sdk.Dlls) { (($Sdk.Dlls | ForEach-Object { (Get-Item -LiteralPath $_).Length }) | Measure-Object -Sum).Sum / 1MB } else { $null }
    }
}

#endregion

#region The table

function New-Row {
    param(
        [string] $Section, [string] $Metric, [string] $Unit = 'ms',
        $Ours, [string] $PeerName, $Peer, [string] $PeerText,
        [string] $Target, [AllowNull()] $Met, [switch] $NoRatio
    )
    [pscustomobject]@{
        Section = $Section; Metric = $Metric; Unit = $Unit; Ours = $Ours; PeerName = $PeerName; Peer = $Peer
        PeerText = $PeerText; Target = $Target; Met = $Met; NoRatio = $NoRatio.IsPresent
    }
}

function Format-Number {
    param([double] $Value, [string] $Unit)
    switch ($Unit) {
        'count' { return ('{0:N0}' -f $Value) }
        'x' { return ('{0:N2}' -f $Value) }
        'MB' { return ('{0:N1}' -f $Value) }
    }
    $abs = [math]::Abs($Value)
    if ($abs -ge 100) { '{0:N0}' -f $Value } elseif ($abs -ge 10) { '{0:N1}' -f $Value } elseif ($abs -ge 1) { '{0:N2}' -f $Value } else { '{0:N3}' -f $Value }
}

function Format-Figure {
    # A number, or a Get-Stat result as 'median (min–max) unit'.
    param($Value, [string] $Unit)
    if ($null -eq $Value) { return '' }
    $suffix = if ($Unit -in 'count', 'x') { '' } else { " $Unit" }
    if ($Value -is [double] -or $Value -is [int] -or $Value -is [long]) { return (Format-Number $Value $Unit) + $suffix }
    if ($Value.Count -le 1 -or $Value.Min -eq $Value.Max) { return (Format-Number $Value.Median $Unit) + $suffix }
    '{0} ({1}–{2}){3}' -f (Format-Number $Value.Median $Unit), (Format-Number $Value.Min $Unit), (Format-Number $Value.Max $Unit), $suffix
}

function Get-Median {
    param($Value)
    if ($null -eq $Value) { $null } elseif ($Value -is [double] -or $Value -is [int] -or $Value -is [long]) { [double]$Value } else { $Value.Median }
}

function Format-BenchTable {
    # The one place that turns rows into the markdown table (printed and written alike).
    param([Parameter(Mandatory)] [object[]] $Rows)
    $lines = [System.Collections.Generic.List[string]]::new()
    $lines.Add('| Metric | Ours: median (min–max) | Peer: median (min–max) | Ratio ours/peer | Target | Met? |')
    $lines.Add('|---|---|---|---|---|---|')
    $section = $null
    foreach ($row in $Rows) {
        if ($row.Section -ne $section) {
            $section = $row.Section
            $lines.Add("| **$($section.Replace('|', '\|'))** | | | | | |")
        }
        $peer = if ($row.PeerText) { $row.PeerText } elseif ($row.PeerName -and $null -ne $row.Peer) { "$($row.PeerName): $(Format-Figure $row.Peer $row.Unit)" } elseif ($row.PeerName) { $row.PeerName } else { '—' }
        $ours = Get-Median $row.Ours
        $theirs = Get-Median $row.Peer
        $ratio = if (-not $row.NoRatio -and $null -ne $ours -and $theirs) { '{0:N2}' -f ($ours / $theirs) } else { '—' }
        $met = if ($null -eq $row.Met) { '—' } elseif ($row.Met -is [bool]) { if ($row.Met) { 'met' } else { '**not met**' } } else { [string]$row.Met }
        $cells = @($row.Metric, (Format-Figure $row.Ours $row.Unit), $peer, $ratio, $(if ($row.Target) { $row.Target } else { '—' }), $met)
        $lines.Add('| ' + (($cells | ForEach-Object { ([string]$_).Replace('|', '\|') }) -join ' | ') + ' |')
    }
    $lines.ToArray()
}

#endregion

#region Report

function Get-MachineDescription {
    $uname = if (Get-Command uname -CommandType Application -ErrorAction SilentlyContinue) { (& uname -a) -join ' ' } else { [System.Runtime.InteropServices.RuntimeInformation]::OSDescription }
    $memory = 'unknown'
    if (Test-Path -LiteralPath '/proc/meminfo') {
        $line = Get-Content -LiteralPath '/proc/meminfo' | Where-Object { $_ -match '^MemTotal:\s+(\d+) kB' } | Select-Object -First 1
        if ($line) { $memory = '{0:N1} GiB' -f ([double]$Matches[1] / 1MB) }
    }
    $cpuModel = $null
    if (Test-Path -LiteralPath '/proc/cpuinfo') {
        $cpuModel = Get-Content -LiteralPath '/proc/cpuinfo' | Where-Object { $_ -match '^model name\s*:\s*(.+)$' } | Select-Object -First 1 | ForEach-Object { $Matches[1].Trim() }
    }
    [pscustomobject]@{
        Uname = $uname; Cpus = [Environment]::ProcessorCount; CpuModel = $cpuModel; Memory = $memory
        Pwsh = "$($PSVersionTable.PSVersion) on .NET $([Environment]::Version)"
    }
}

function Get-InvocationText {
    # The script as invoked, with the parameters bound, and the process's own command line.
    $parts = @('./tests/bench/Invoke-Benchmark.ps1')
    foreach ($name in $script:BoundParameters.Keys) {
        $value = $script:BoundParameters[$name]
        if ($value -is [switch]) { if ($value) { $parts += "-$name" } }
        else { $parts += "-$name"; $parts += $(if ("$value" -match '\s') { "'$value'" } else { "$value" }) }
    }
    [pscustomobject]@{ Script = $parts -join ' '; Process = [Environment]::CommandLine }
}

function Write-Report {
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string[]] $Table, [string[]] $Details, [string[]] $NotMet)
    $machine = Get-MachineDescription
    $invocation = Get-InvocationText
    $commit = $null
    if (Get-Command git -CommandType Application -ErrorAction SilentlyContinue) {
        $commit = (& git -C $RepoRoot rev-parse --short HEAD 2>$null) -as [string]
        if ($commit -and (& git -C $RepoRoot status --porcelain 2>$null)) { $commit += ' (with uncommitted changes)' }
    }
    $body = [System.Collections.Generic.List[string]]::new()
    $body.Add("Run on $((Get-Date).ToString('yyyy-MM-dd HH:mm zzz'))$(if ($commit) { " at commit $commit" })." )
    $body.Add('')
    $body.Add("- Machine: ``$($machine.Uname)``")
    $body.Add("- CPUs: $($machine.Cpus)$(if ($machine.CpuModel) { " ($($machine.CpuModel))" }); memory: $($machine.Memory)")
    $body.Add("- PowerShell: $($machine.Pwsh)")
    $body.Add("- Command: ``$($invocation.Script)``")
    $body.Add("- Process command line: ``$($invocation.Process)``")
    $body.Add("- Repeats: $ColdRuns cold runs per job (after one discarded warm-up round), $WarmCalls warm calls per session (after $WarmupCalls untimed), $ScaleRuns scale run(s) per size, $WorkCommands commands in the work-avoided session.")
    $body.Add('')
    foreach ($line in $Table) { $body.Add($line) }
    $body.Add('')
    if ($Details) { $body.Add('Notes from this run:'); $body.Add(''); foreach ($line in $Details) { $body.Add("- $line") }; $body.Add('') }
    if ($NotMet) { $body.Add('Targets not met in this run:'); $body.Add(''); foreach ($line in $NotMet) { $body.Add("- $line") } }
    else { $body.Add('Targets not met in this run: none.') }
    $generated = ($body -join "`n")

    $begin = '<!-- benchmark-results:begin -->'
    $end = '<!-- benchmark-results:end -->'
    $existing = if (Test-Path -LiteralPath $Path) { [System.IO.File]::ReadAllText($Path) } else { '' }
    $b = $existing.IndexOf($begin)
    $e = $existing.IndexOf($end)
    if ($b -ge 0 -and $e -gt $b) {
        $text = $existing.Substring(0, $b + $begin.Length) + "`n" + $generated + "`n" + $existing.Substring($e)
    } else {
        $text = "# AWS.Tools.RustSSO benchmarks`n`nProduced by ``tests/bench/Invoke-Benchmark.ps1`` (``./build.ps1 -Task Bench``).`n`n$begin`n$generated`n$end`n"
    }
    $directory = Split-Path -Parent ([System.IO.Path]::GetFullPath($Path))
    if (-not (Test-Path -LiteralPath $directory)) { New-Item -ItemType Directory -Force -Path $directory | Out-Null }
    [System.IO.File]::WriteAllText([System.IO.Path]::GetFullPath($Path), $text.Replace("`r`n", "`n"))
}

#endregion

#region Main

$script:BoundParameters = $PSBoundParameters
$started = [System.Diagnostics.Stopwatch]::StartNew()
$details = [System.Collections.Generic.List[string]]::new()

# Peers first (the download must not disturb the measurements).
$sdk = [pscustomobject]@{ Available = $false; Dlls = $null; Mode = $null; Script = $null; Failure = $null; Label = '.NET SDK v4' }
if ($SkipSdk) { $sdk.Failure = 'skipped (-SkipSdk)' }
else {
    $install = Install-SdkPeer
    if ($install.Dlls) { $sdk.Dlls = $install.Dlls } else { $sdk.Failure = $install.Reason }
}
$cli = Find-AwsCli

Write-Host "Starting fake-aws ($FakeAwsPath)"
$fake = Start-FakeAws -Path $FakeAwsPath
$sandbox = $null
try {
    $sandbox = New-SsoSandbox -Fake $fake -ProfileName $ProfileName -SessionName 'bench-sso'
    $expectedBuckets = @((Invoke-FakeAws -Fake $fake -Path '/_fake/state').buckets).Count
    Write-Host "Fake at $($fake.Endpoint) with $expectedBuckets buckets; SSO profile '$ProfileName' in $($sandbox.ConfigFile)"

    # Can the SDK's SSO call be pointed at the fake? Try once with the SSO profile; otherwise fall
    # back to the fake's static keys, labelled as such.
    if ($sdk.Dlls) {
        $modes = if ($SdkCredentials -eq 'Auto') { @('SSO', 'Static') } else { @($SdkCredentials) }
        foreach ($mode in $modes) {
            $part = Get-SdkScriptPart -Dlls $sdk.Dlls -Mode $mode -Fake $fake
            Reset-FakeCounters -Fake $fake
            try {
                $null = Measure-ProcessRun -FilePath (Get-ShellPath) -ArgumentList @('-NoProfile', '-NonInteractive', '-Command', "$($part.Load)`n$($part.Client)`n`$null = `$client.ListBucketsAsync().GetAwaiter().GetResult()") -Environment (Get-ChildEnvironment -Sandbox $sandbox)
                $roleCalls = Get-CounterValue (Get-FakeCounters -Fake $fake) 'sso:GetRoleCredentials'
                if ($mode -eq 'SSO' -and $roleCalls -lt 1) { throw 'the SDK listed buckets without calling the fake''s GetRoleCredentials' }
                $sdk.Available = $true; $sdk.Mode = $mode; $sdk.Script = $part
                break
            } catch {
                $details.Add("The .NET SDK with mode $mode failed: $_")
            }
        }
        if ($sdk.Mode -eq 'SSO') {
            $details.Add('The .NET SDK v4 resolves the SSO profile with CredentialProfileStoreChain (SSOAWSCredentials and the cached token); its SSO portal call (GetRoleCredentials) follows AWS_ENDPOINT_URL (AWS_ENDPOINT_URL_SSO works too), so it reaches the fake; S3 gets ServiceURL = the fake, ForcePathStyle.')
        } elseif ($sdk.Mode -eq 'Static') {
            $sdk.Label = '.NET SDK v4 (static keys)'
            $details.Add($(if ($SdkCredentials -eq 'Static') { 'The .NET peer is measured with the fake''s static keys (-SdkCredentials Static): no SSO resolution.' }
                    else { 'The .NET SDK''s SSO call could not be pointed at the fake, so the .NET peer is measured with the fake''s static keys (no SSO resolution).' }))
        } else { $sdk.Failure = 'failed against the fake (see notes)' }
    }
    $details.Add("AWS SDK for .NET: $(if ($sdk.Available) { ($SdkPackages.Keys | ForEach-Object { "$_ $($SdkPackages[$_])" }) -join ', ' } else { "not measured: $($sdk.Failure)" }).")
    foreach ($key in 'V2', 'V1') {
        $label = "AWS CLI $($key.ToLowerInvariant())"
        $details.Add($(if ($cli[$key] -and $key -eq 'V2') { "${label}: $($cli[$key].Version) at $($cli[$key].Path); it ignores AWS_ENDPOINT_URL, so its SSO call cannot reach the fake: it runs with the fake's static keys and --endpoint-url (no SSO resolution), which flatters it." }
                elseif ($cli[$key]) { "${label}: $($cli[$key].Version) at $($cli[$key].Path)." } elseif ($key -eq 'V2') { "${label}: not installed (/usr/bin/aws, Debian package awscli)." } else { "${label}: not installed (pip awscli)." }))
    }

    Write-Host 'Cold process'
    $cold = Measure-ColdProcess -Fake $fake -Sandbox $sandbox -Sdk $sdk -Cli $cli -ExpectedBuckets $expectedBuckets
    foreach ($note in $cold.Notes) { $details.Add($note) }
    Write-Host 'Warm session'
    $warm = Measure-WarmSession -Fake $fake -Sandbox $sandbox -Sdk $sdk
    Write-Host 'Work avoided'
    $work = Measure-WorkAvoided -Fake $fake -Sandbox $sandbox
    Write-Host 'Scale'
    $scale = Measure-Scale -Fake $fake -Sandbox $sandbox -Sdk $sdk
    $footprint = Measure-Footprint -Sdk $sdk
} finally {
    if ($sandbox) { Remove-SsoSandbox -Sandbox $sandbox }
    Stop-FakeAws -Fake $fake
}

# The rows.
$rows = [System.Collections.Generic.List[object]]::new()
$s = $cold.Stats
$sdkCold = if ($s.ContainsKey('Sdk')) { $s['Sdk'] } else { $null }
$sdkName = $sdk.Label
# Rows with the .NET peer say why it is missing instead of a figure.
$sdkMissing = if ($sdk.Available) { $null } else { ".NET SDK v4: not measured ($($sdk.Failure))" }
$section = 'Cold process (each run a new process)'
$rows.Add((New-Row -Section $section -Metric 'pwsh -NoProfile -Command exit (floor)' -Ours $s['Floor']))
$importOver = $s['Import'].Median - $s['Floor'].Median
$rows.Add((New-Row -Section $section -Metric 'Import-Module AWS.Tools.RustSSO' -Ours $s['Import'] `
            -PeerText $sdkMissing -PeerName "$sdkName, Add-Type of its 4 DLLs" -Peer $(if ($s.ContainsKey('SdkLoad')) { $s['SdkLoad'] } else { $null }) `
            -Target ('≤ floor + 100 ms (here +{0:N0} ms)' -f $importOver) -Met ($importOver -le 100)))
$rows.Add((New-Row -Section $section -Metric 'Import-Module, stretch target' -Ours $s['Import'] `
            -Target ('≤ floor + 50 ms (here +{0:N0} ms)' -f $importOver) -Met ($importOver -le 50)))
$rows.Add((New-Row -Section $section -Metric 'Import + Get-S3Bucket (SSO profile)' -Ours $s['ImportGet'] -PeerText $sdkMissing -PeerName $sdkName -Peer $sdkCold `
            -Target '≤ 0.75 × .NET peer' -Met $(if ($sdkCold) { $s['ImportGet'].Median -le 0.75 * $sdkCold.Median } else { 'n/a' })))
foreach ($key in 'V2', 'V1') {
    $name = if ($cli[$key]) { $cli[$key].Label } else { "AWS CLI $($key.ToLowerInvariant())" }
    $stat = if ($s.ContainsKey("Cli$key")) { $s["Cli$key"] } else { $null }
    $peerText = if (-not $cli[$key]) { "${name}: not installed" } elseif (-not $stat) { "${name}: failed" } else { $null }
    $rows.Add((New-Row -Section $section -Metric "Import + Get-S3Bucket vs $name" -Ours $s['ImportGet'] -PeerName $name -Peer $stat -PeerText $peerText `
                -Target "< $name" -Met $(if ($stat) { $s['ImportGet'].Median -lt $stat.Median } else { 'n/a' })))
}

$section = "Warm session (per call, $WarmCalls calls)"
$rows.Add((New-Row -Section $section -Metric 'Fake round trip, HttpClient GET /_fake/health (floor)' -Ours $warm.Floor))
$rows.Add((New-Row -Section $section -Metric 'Get-S3Bucket vs the floor' -Ours $warm.Ours -PeerName 'floor' -Peer $warm.Floor `
            -Target ('≤ floor + 1 ms (here +{0:N2} ms)' -f ($warm.Ours.Median - $warm.Floor.Median)) -Met (($warm.Ours.Median - $warm.Floor.Median) -le 1)))
$rows.Add((New-Row -Section $section -Metric 'Get-S3Bucket vs .NET SDK (reused client)' -Ours $warm.Ours -PeerText $sdkMissing -PeerName $sdkName -Peer $warm.Sdk `
            -Target '≤ 1.0 × .NET peer' -Met $(if ($warm.Sdk) { $warm.Ours.Median -le $warm.Sdk.Median } else { 'n/a' })))
if ($warm.Native) {
    $rows.Add((New-Row -Section $section -Metric 'Diagnostic: the native call alone (no PowerShell layer)' -Ours $warm.Native -PeerText $sdkMissing -PeerName $sdkName -Peer $warm.Sdk))
}
$details.Add(('Warm means per call: Get-S3Bucket {0:N3} ms, floor {1:N3} ms{2}{3}.' -f $warm.Ours.Mean, $warm.Floor.Mean,
        $(if ($warm.Native) { ', native call alone {0:N3} ms' -f $warm.Native.Mean } else { '' }), $(if ($warm.Sdk) { ', .NET SDK {0:N3} ms' -f $warm.Sdk.Mean } else { '' })))

$sizes = @($scale | ForEach-Object { $_.Size })
foreach ($entry in $scale) {
    $size = $entry.Size
    $section = 'Scale: {0:N0} buckets, Get-S3Bucket -MaxBucket 1000 | Measure-Object' -f $size
    $peer = $entry.Sdk
    $isLarge = $size -eq ($sizes | Measure-Object -Maximum).Maximum
    $firstMet = $entry.Ours.First.Median -le 0.1 * $entry.Ours.Total.Median
    $rows.Add((New-Row -Section $section -Metric 'Time to the first object' -Ours $entry.Ours.First -PeerText $sdkMissing -PeerName $sdkName -Peer $(if ($peer) { $peer.First } else { $null }) `
                -Target $(if ($isLarge) { 'after the first page (≤ 10% of total)' } else { '' }) -Met $(if ($isLarge) { $firstMet } else { $null })))
    $rows.Add((New-Row -Section $section -Metric 'Total time' -Ours $entry.Ours.Total -PeerText $sdkMissing -PeerName $sdkName -Peer $(if ($peer) { $peer.Total } else { $null }) `
                -Target $(if ($isLarge) { '≤ 1.0 × .NET peer' } else { '' }) -Met $(if ($isLarge -and $peer) { $entry.Ours.Total.Median -le $peer.Total.Median } elseif ($isLarge) { 'n/a' } else { $null })))
    $rows.Add((New-Row -Section $section -Metric 'Peak working set growth' -Unit 'MB' -Ours $entry.Ours.Growth -PeerText $sdkMissing -PeerName $sdkName -Peer $(if ($peer) { $peer.Growth } else { $null }) `
                -Target $(if ($isLarge) { '≤ 1.0 × .NET peer' } else { '' }) -Met $(if ($isLarge -and $peer) { $entry.Ours.Growth.Median -le $peer.Growth.Median } elseif ($isLarge) { 'n/a' } else { $null })))
}
if ($sizes.Count -ge 2) {
    $small = $scale[0]; $large = $scale[-1]
    $factor = $sizes[-1] / $sizes[0]
    $oursRatio = $large.Ours.Total.Median / $small.Ours.Total.Median
    $peerRatio = if ($large.Sdk -and $small.Sdk) { $large.Sdk.Total.Median / $small.Sdk.Total.Median } else { $null }
    $rows.Add((New-Row -Section ('Scale: linearity') -Metric ('Total({0:N0}) / total({1:N0})' -f $sizes[-1], $sizes[0]) -Unit 'x' -Ours $oursRatio `
                -PeerText $sdkMissing -PeerName $sdkName -Peer $peerRatio -NoRatio -Target ('≈ {0} or less (linear; ≤ {1} allowed for noise)' -f $factor, ($factor * 1.1)) -Met ($oursRatio -le $factor * 1.1)))
}

$section = "Work avoided ($WorkCommands commands in one session)"
$roleCalls = Get-CounterValue $work.Counters 'sso:GetRoleCredentials'
$tokenCalls = Get-CounterValue $work.Counters 'oidc:CreateToken'
$peerRole = if ($warm.SdkCounters) { Get-CounterValue $warm.SdkCounters 'sso:GetRoleCredentials' } else { $null }
$peerToken = if ($warm.SdkCounters) { Get-CounterValue $warm.SdkCounters 'oidc:CreateToken' } else { $null }
$peerCalls = $WarmCalls + $WarmupCalls
$rows.Add((New-Row -Section $section -Metric 'sso:GetRoleCredentials calls' -Unit 'count' -Ours ([double]$roleCalls) -NoRatio `
            -PeerText $sdkMissing -PeerName "$sdkName, $peerCalls ListBuckets with one client" -Peer $(if ($null -ne $peerRole) { [double]$peerRole } else { $null }) -Target 'exactly 1' -Met ($roleCalls -eq 1)))
$rows.Add((New-Row -Section $section -Metric 'oidc:CreateToken calls (valid cached token)' -Unit 'count' -Ours ([double]$tokenCalls) -NoRatio `
            -PeerText $sdkMissing -PeerName "$sdkName, $peerCalls ListBuckets with one client" -Peer $(if ($null -ne $peerToken) { [double]$peerToken } else { $null }) -Target '0' -Met ($tokenCalls -eq 0)))
$details.Add(('Work-avoided session: {0} commands (Get-S3Bucket and Get-STSCallerIdentity alternating) took {1:N0} ms; the fake counted {2}.' -f $WorkCommands, $work.Milliseconds,
        (($work.Counters.Keys | Sort-Object | ForEach-Object { "$_ = $($work.Counters[$_])" }) -join ', ')))

$section = 'Footprint'
$rows.Add((New-Row -Section $section -Metric "Native library ($($footprint.NativeName))" -Unit 'MB' -Ours $footprint.NativeMB -Target '≤ 10 MB' -Met ($footprint.NativeMB -le 10)))
$rows.Add((New-Row -Section $section -Metric 'Whole module folder' -Unit 'MB' -Ours $footprint.ModuleMB -PeerText $sdkMissing -PeerName "$sdkName, its 4 DLLs" -Peer $footprint.SdkMB))

$table = Format-BenchTable -Rows $rows.ToArray()
$notMet = @($rows | Where-Object { $_.Met -is [bool] -and -not $_.Met } | ForEach-Object { "$($_.Section) — $($_.Metric): target $($_.Target)" })

Write-Host ''
$table | ForEach-Object { Write-Host $_ }
Write-Host ''
$details | ForEach-Object { Write-Host "- $_" }
Write-Host ('Targets not met: ' + $(if ($notMet) { $notMet.Count } else { 'none' }))
Write-Host ('Benchmark took {0:N0} s.' -f $started.Elapsed.TotalSeconds)
if ($OutFile) {
    Write-Report -Path $OutFile -Table $table -Details $details.ToArray() -NotMet $notMet
    Write-Host "Report written to $OutFile"
}

#endregion
