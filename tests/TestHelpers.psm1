# Shared by the Pester suites and the demo: the local fake AWS process, SSO sandboxes (a temporary
# home with a config file and a cached token) and child pwsh runs.

Set-StrictMode -Version 3.0

function Start-FakeAws {
    # Starts the fake-aws binary on a random loopback port and returns a handle with its endpoint.
    # -ProxyMode also starts its proxy (intercept, forward or refuse): the handle then has
    # ProxyUrl and ProxyCaFile (the test CA of an intercepting proxy, as a PEM file).
    param([string] $Path = $env:RUSTSSO_TEST_FAKE_AWS, [ValidateSet('intercept', 'forward', 'refuse')] [string] $ProxyMode, [string] $ProxyCredentials)
    if (-not $Path -or -not (Test-Path -LiteralPath $Path)) { throw "fake-aws binary not found at '$Path'." }
    $info = New-Object System.Diagnostics.ProcessStartInfo
    $info.FileName = $Path
    $info.Arguments = '--exit-on-stdin-eof'
    $caFile = $null
    if ($ProxyMode) {
        $caFile = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-proxy-ca-' + [guid]::NewGuid().ToString('n') + '.pem')
        $info.Arguments += " --proxy $ProxyMode --proxy-ca `"$caFile`""
        if ($ProxyCredentials) { $info.Arguments += " --proxy-credentials $ProxyCredentials" }
    }
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $process = [System.Diagnostics.Process]::Start($info)
    $readLine = $process.StandardOutput.ReadLineAsync()
    if (-not $readLine.Wait(10000)) { $process.Kill(); throw 'fake-aws did not report its endpoint within 10 s.' }
    $line = $readLine.Result
    if ($line -notmatch '^FAKE_AWS_ENDPOINT=(http://127\.0\.0\.1:\d+)$') { $process.Kill(); throw "Unexpected first line from fake-aws: '$line'" }
    $fake = [pscustomobject]@{ Process = $process; Endpoint = $Matches[1]; ProxyUrl = $null; ProxyCaFile = $caFile }
    if ($ProxyMode) {
        $proxyLine = $process.StandardOutput.ReadLineAsync()
        if (-not $proxyLine.Wait(10000) -or $proxyLine.Result -notmatch '^FAKE_AWS_PROXY=(http://127\.0\.0\.1:\d+)$') { $process.Kill(); throw 'fake-aws did not report its proxy.' }
        $fake.ProxyUrl = $Matches[1]
    }
    $fake
}

function Stop-FakeAws {
    # Stops the fake; first records every secret it issued in $env:RUSTSSO_TEST_SECRETS_FILE (when
    # set) for the suite-wide secret scan.
    param([Parameter(Mandatory)] $Fake)
    if ($env:RUSTSSO_TEST_SECRETS_FILE) {
        try { Get-FakeAwsSecrets -Fake $Fake | Add-Content -LiteralPath $env:RUSTSSO_TEST_SECRETS_FILE } catch { }
    }
    try { $Fake.Process.StandardInput.Close() } catch { }
    if (-not $Fake.Process.WaitForExit(3000)) { $Fake.Process.Kill() }
}

function Invoke-FakeAws {
    # Calls the fake's control API (/_fake/...).
    param(
        [Parameter(Mandatory)] $Fake,
        [Parameter(Mandatory)] [string] $Path,
        [string] $Method = 'GET',
        $Body
    )
    $arguments = @{ Uri = $Fake.Endpoint + $Path; Method = $Method }
    if ($null -ne $Body) {
        $arguments.Body = ConvertTo-Json -InputObject $Body -Depth 10
        $arguments.ContentType = 'application/json'
    }
    Invoke-RestMethod @arguments
}

function Get-FakeAwsCounter {
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory)] [string] $Operation)
    $counters = Invoke-FakeAws -Fake $Fake -Path '/_fake/counters'
    $property = $counters.PSObject.Properties[$Operation]
    if ($property) { [int]$property.Value } else { 0 }
}

function Set-FakeAwsBuckets {
    param([Parameter(Mandatory)] $Fake, [Parameter(Mandatory)] [object[]] $Buckets)
    Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ buckets = $Buckets } | Out-Null
}

function Get-FakeAwsSecrets {
    param([Parameter(Mandatory)] $Fake)
    @(Invoke-FakeAws -Fake $Fake -Path '/_fake/secrets') | ForEach-Object { $_ } | Where-Object { $_ }
}

function Get-PythonWithBoto3 {
    # The first python on PATH that can import boto3 (a system python may come before the one
    # that has the AWS libraries).
    foreach ($name in 'python3', 'python') {
        foreach ($command in @(Get-Command $name -CommandType Application -All -ErrorAction SilentlyContinue)) {
            & $command.Source -c 'import boto3' 2>$null
            if ($LASTEXITCODE -eq 0) { return $command.Source }
        }
    }
    throw 'No python with boto3 was found on PATH (pip install boto3 moto[server]).'
}

function Get-FreeTcpPort {
    # A loopback port that was free a moment ago.
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Get-Sha1Hex {
    param([Parameter(Mandatory)] [string] $Text)
    $sha1 = [System.Security.Cryptography.SHA1]::Create()
    try {
        -join ($sha1.ComputeHash([System.Text.Encoding]::UTF8.GetBytes($Text)) | ForEach-Object { $_.ToString('x2') })
    } finally { $sha1.Dispose() }
}

function New-SsoSandbox {
    # A temporary home with an sso-session profile pointing at the fake and, unless -NoToken, a
    # cached token the fake accepts, in the AWS CLI's cache format.
    param(
        [Parameter(Mandatory)] $Fake,
        [string] $ProfileName = 'sso-test',
        [string] $SessionName = 'test-sso',
        [string] $AccountId = '111122223333',
        [string] $RoleName = 'ReadOnly',
        [string] $Region = 'us-east-1',
        [string] $StartUrl = 'https://test-portal.awsapps.com/start',
        [int] $ExpiresIn = 28800,
        [switch] $NoToken
    )
    $home_ = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-' + [guid]::NewGuid().ToString('n'))
    $awsDir = Join-Path $home_ '.aws'
    $cacheDir = Join-Path $awsDir 'sso/cache'
    New-Item -ItemType Directory -Force -Path $cacheDir | Out-Null
    $configFile = Join-Path $awsDir 'config'
    $credentialsFile = Join-Path $awsDir 'credentials'
    @"
[profile $ProfileName]
sso_session = $SessionName
sso_account_id = $AccountId
sso_role_name = $RoleName
region = $Region

[sso-session $SessionName]
sso_region = $Region
sso_start_url = $StartUrl
sso_registration_scopes = sso:account:access
"@ | Set-Content -LiteralPath $configFile -Encoding ascii
    Set-Content -LiteralPath $credentialsFile -Value '' -Encoding ascii
    $sandbox = [pscustomobject]@{
        Home = $home_; ConfigFile = $configFile; CredentialsFile = $credentialsFile; CacheDir = $cacheDir
        ProfileName = $ProfileName; SessionName = $SessionName; Fake = $Fake; StartUrl = $StartUrl; Region = $Region
        TokenFile = Join-Path $cacheDir ((Get-Sha1Hex $SessionName) + '.json')
    }
    if (-not $NoToken) {
        $token = Invoke-FakeAws -Fake $Fake -Path '/_fake/sso/token' -Method POST -Body @{
            start_url = $StartUrl; region = $Region; session_name = $SessionName; expires_in = $ExpiresIn
            scopes = @('sso:account:access'); with_refresh = $true
        }
        $ordered = [ordered]@{}
        foreach ($name in 'startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken') {
            $ordered[$name] = $token.$name
        }
        [System.IO.File]::WriteAllText($sandbox.TokenFile, (ConvertTo-Json -InputObject $ordered -Compress))
    }
    $sandbox
}

function Get-SsoSandboxEnvironment {
    param([Parameter(Mandatory)] $Sandbox)
    [ordered]@{
        HOME                        = $Sandbox.Home
        USERPROFILE                 = $Sandbox.Home
        AWS_CONFIG_FILE             = $Sandbox.ConfigFile
        AWS_SHARED_CREDENTIALS_FILE = $Sandbox.CredentialsFile
        AWS_ENDPOINT_URL            = $Sandbox.Fake.Endpoint
        AWS_EC2_METADATA_DISABLED   = 'true'
        AWS_PROFILE                 = $Sandbox.ProfileName
        AWS_REGION                  = $null
        AWS_DEFAULT_REGION          = $null
        AWS_ACCESS_KEY_ID           = $null
        AWS_SECRET_ACCESS_KEY       = $null
        AWS_SESSION_TOKEN           = $null
    }
}

function Set-TestEnvironmentVariable {
    # Sets or (for $null) removes a variable. [Environment]::SetEnvironmentVariable would receive
    # '' for $null from PowerShell and, on Linux, keep an empty variable.
    param([Parameter(Mandatory)] [string] $Name, [AllowNull()] [string] $Value)
    if ([string]::IsNullOrEmpty($Value)) { Remove-Item -LiteralPath "env:$Name" -ErrorAction SilentlyContinue }
    else { Set-Item -LiteralPath "env:$Name" -Value $Value }
}

function Invoke-InSsoSandbox {
    # Runs a script block with the sandbox's environment, then restores the environment.
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [scriptblock] $ScriptBlock)
    $saved = @{}
    $environment = Get-SsoSandboxEnvironment -Sandbox $Sandbox
    foreach ($name in $environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        Set-TestEnvironmentVariable -Name $name -Value $environment[$name]
    }
    try { & $ScriptBlock } finally {
        foreach ($name in $saved.Keys) { Set-TestEnvironmentVariable -Name $name -Value $saved[$name] }
    }
}

function Remove-SsoSandbox {
    param([Parameter(Mandatory)] $Sandbox)
    if (Test-Path -LiteralPath $Sandbox.Home) { Remove-Item -LiteralPath $Sandbox.Home -Recurse -Force }
}

function Get-ShellPath {
    # The running shell's executable: pwsh (also when it is a .NET global tool, where the process
    # itself is 'dotnet'), or powershell.exe under Windows PowerShell.
    if ($PSVersionTable.PSEdition -eq 'Desktop') { return (Get-Process -Id $PID).Path }
    foreach ($candidate in @((Join-Path $PSHOME 'pwsh'), (Join-Path $PSHOME 'pwsh.exe'))) {
        if (Test-Path -LiteralPath $candidate -PathType Leaf) { return $candidate }
    }
    (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source
}

function Invoke-ChildPwsh {
    # Runs a script in a new pwsh process (the module under test on its module path) and returns
    # exit code, stdout and stderr.
    param(
        [Parameter(Mandatory)] [string] $Script,
        [System.Collections.IDictionary] $Environment = @{},
        [int] $TimeoutSeconds = 120
    )
    $info = New-Object System.Diagnostics.ProcessStartInfo
    $info.FileName = Get-ShellPath
    $scriptFile = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-child-' + [guid]::NewGuid().ToString('n') + '.ps1')
    Set-Content -LiteralPath $scriptFile -Value $Script -Encoding utf8
    $info.Arguments = '-NoProfile -NonInteractive -ExecutionPolicy Bypass -File "{0}"' -f $scriptFile
    $info.UseShellExecute = $false
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $moduleParent = Split-Path -Parent $env:RUSTSSO_TEST_MODULE
    $info.Environment['PSModulePath'] = $moduleParent + [System.IO.Path]::PathSeparator + $env:PSModulePath
    foreach ($name in $Environment.Keys) {
        if ($null -eq $Environment[$name]) { [void]$info.Environment.Remove($name) } else { $info.Environment[$name] = [string]$Environment[$name] }
    }
    $process = [System.Diagnostics.Process]::Start($info)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    $process.StandardInput.Close()
    try {
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) { $process.Kill(); throw "Child pwsh did not finish within $TimeoutSeconds s." }
        $process.WaitForExit()
    } finally { Remove-Item -LiteralPath $scriptFile -Force -ErrorAction SilentlyContinue }
    [pscustomobject]@{ ExitCode = $process.ExitCode; StdOut = $stdout.Result; StdErr = $stderr.Result }
}

Export-ModuleMember -Function *
