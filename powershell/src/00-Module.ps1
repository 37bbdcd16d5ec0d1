# AWS.Tools.RustSSO: thin PowerShell commands over the native library.
#
# Every command binds its parameters, makes one kind of native call (JSON in, JSON out through
# the precompiled interop assembly in lib/) and shapes the result into typed objects. The code is
# written for both PowerShell 7 and Windows PowerShell 5.1: no PowerShell-7-only syntax.

Set-StrictMode -Version 3.0

# The C ABI version this script was written against; the native library must report the same.
$script:ExpectedAbiVersion = 1

function Get-RustSsoNativeLibraryPath {
    # bin/<os>-<arch>/<file> inside the module folder, following .NET runtime identifiers.
    $ri = [System.Runtime.InteropServices.RuntimeInformation]
    $platform = [System.Runtime.InteropServices.OSPlatform]
    if ($ri::IsOSPlatform($platform::Windows)) {
        $os = 'win'; $file = 'aws_tools_rustsso.dll'
    } elseif ($ri::IsOSPlatform($platform::OSX)) {
        $os = 'osx'; $file = 'libaws_tools_rustsso.dylib'
    } else {
        $os = 'linux'; $file = 'libaws_tools_rustsso.so'
    }
    $arch = $ri::ProcessArchitecture.ToString().ToLowerInvariant()
    # .NET path calls, not Join-Path/Test-Path: those would load another module at import.
    [System.IO.Path]::Combine($PSScriptRoot, 'bin', "$os-$arch", $file)
}

function Initialize-RustSsoNativeLibrary {
    $interop = [System.IO.Path]::Combine($PSScriptRoot, 'lib', 'AWS.Tools.RustSSO.Interop.dll')
    if (-not ('AWS.Tools.RustSSO.Interop.Native' -as [type])) {
        # Assembly.LoadFrom rather than Add-Type: Add-Type costs a quarter of a second at import.
        [void][System.Reflection.Assembly]::LoadFrom($interop)
    }
    $libraryPath = Get-RustSsoNativeLibraryPath
    if (-not [System.IO.File]::Exists($libraryPath)) {
        throw "AWS.Tools.RustSSO: the native library for this platform was not found at '$libraryPath'. This platform may not be supported by this build of the module."
    }
    [AWS.Tools.RustSSO.Interop.Native]::Load($libraryPath)
    $actual = [AWS.Tools.RustSSO.Interop.Native]::AbiVersion()
    if ($actual -ne $script:ExpectedAbiVersion) {
        throw ("AWS.Tools.RustSSO: the native library '{0}' has ABI version {1}, but this module requires ABI version {2}. Reinstall the module so that its script and native library match." -f $libraryPath, $actual, $script:ExpectedAbiVersion)
    }
}

Initialize-RustSsoNativeLibrary

# Dates stay strings when parsed (PowerShell 7.5+ would otherwise turn ISO dates into local
# DateTime values); the commands convert them where a DateTime is wanted.
$script:FromJson = @{}
$script:Invariant = [System.Globalization.CultureInfo]::InvariantCulture
$script:RoundTrip = [System.Globalization.DateTimeStyles]::RoundtripKind
$script:SharedEnvironment = [System.Runtime.InteropServices.RuntimeInformation]::IsOSPlatform([System.Runtime.InteropServices.OSPlatform]::Windows)
if ($PSVersionTable.PSVersion -ge [version]'7.5') { $script:FromJson['DateKind'] = 'String' }

# Exception types by error category, so that `catch [System.UnauthorizedAccessException]`
# written for AWS Tools keeps working.
$script:ExceptionTypeByCategory = @{
    AuthenticationError = [System.UnauthorizedAccessException]
    PermissionDenied    = [System.UnauthorizedAccessException]
    InvalidArgument     = [System.ArgumentException]
    ObjectNotFound      = [System.Management.Automation.ItemNotFoundException]
    OperationTimeout    = [System.TimeoutException]
    OperationStopped    = [System.OperationCanceledException]
    ConnectionError     = [System.Net.WebException]
    InvalidData         = [System.IO.InvalidDataException]
}

function New-RustSsoErrorRecord {
    param(
        [Parameter(Mandatory)] [string] $Code,
        [Parameter(Mandatory)] [string] $Message,
        [string] $Category = 'NotSpecified',
        [object] $Target
    )
    $type = $script:ExceptionTypeByCategory[$Category]
    if (-not $type) { $type = [System.InvalidOperationException] }
    $exception = New-Object -TypeName $type.FullName -ArgumentList $Message
    $categoryValue = [System.Management.Automation.ErrorCategory]::NotSpecified
    [void][System.Enum]::TryParse($Category, [ref] $categoryValue)
    New-Object -TypeName System.Management.Automation.ErrorRecord -ArgumentList $exception, $Code, $categoryValue, $Target
}

function Get-RustSsoEnvironment {
    # PowerShell's view of the variables the native library reads. On Linux and macOS, $env:
    # changes live only in .NET's managed copy of the environment, so they are sent along; on
    # Windows the native library sees the same environment and nothing is sent.
    if ($script:SharedEnvironment) { return $null }
    $view = @{}
    foreach ($entry in [System.Environment]::GetEnvironmentVariables().GetEnumerator()) {
        $name = [string]$entry.Key
        if ($name.StartsWith('AWS_', [System.StringComparison]::OrdinalIgnoreCase) -or $name -eq 'HOME' -or $name -eq 'USERPROFILE') {
            $view[$name] = [string]$entry.Value
        }
    }
    $view
}

function Invoke-RustSsoOperation {
    # One native call. Returns the parsed result or throws a terminating ErrorRecord through the
    # calling command. The request is never written to any stream: it may carry a secret key.
    # Results that carry diagnostics ({result, meta}) have them written to -Verbose and -Debug.
    param(
        [Parameter(Mandatory)] [string] $Operation,
        [Parameter(Mandatory)] [hashtable] $Parameters,
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet,
        [object] $Target
    )
    # Windows PowerShell 5.1 turns -Debug into 'Inquire', which would prompt: just write.
    if ($DebugPreference -eq 'Inquire') { $DebugPreference = 'Continue' }
    $request = @{ op = $Operation; params = $Parameters; env = Get-RustSsoEnvironment }
    if ($Parameters.ContainsKey('timeout_ms')) { $request['timeout_ms'] = $Parameters['timeout_ms']; $Parameters.Remove('timeout_ms') }
    $json = ConvertTo-Json -InputObject $request -Depth 8 -Compress
    $result = [AWS.Tools.RustSSO.Interop.Native]::Call($json, $Cmdlet)
    if ($result.IsSuccess) {
        $parsed = ConvertFrom-Json -InputObject $result.Json @script:FromJson
        if ($parsed -is [psobject] -and $parsed.PSObject.Properties['meta'] -and $parsed.PSObject.Properties['result']) {
            $meta = $parsed.meta
            if ($meta.PSObject.Properties['warnings']) { foreach ($w in $meta.warnings) { $Cmdlet.WriteWarning($w) } }
            if (-not $meta.PSObject.Properties['operation']) { return $parsed.result }
            Write-Verbose ('{0}: called {1} in {2} ms.' -f $meta.operation, $meta.endpoint, $meta.duration_ms)
            $tokenNote = ''
            if ($meta.token_expires_at) { $tokenNote = ', token valid until {0}' -f $meta.token_expires_at }
            Write-Debug ('Credentials obtained from {0}{1}.' -f $meta.credential_source, $tokenNote)
            Write-Debug ('Region {0} obtained from {1}.' -f $meta.region, $meta.region_source)
            return $parsed.result
        }
        return $parsed
    }
    $failure = ConvertFrom-Json -InputObject $result.Json @script:FromJson
    $Cmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code $failure.code -Message $failure.message -Category $failure.category -Target $Target))
}

function Resolve-RustSsoPath {
    # A path as PowerShell means it: relative to the current location (not the process's working
    # directory), PSDrive names resolved. A leading ~ is left for the native side, which expands
    # it against the caller's home as aws-config does.
    param([string] $Path, [System.Management.Automation.PSCmdlet] $Cmdlet)
    if (-not $Path -or $Path -match '^~([\\/]|$)') { return $Path }
    $Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

function Get-RustSsoCommonParameter {
    # The credential, profile, region and endpoint settings every service command shares, in the
    # AWS Tools order: keys, -ProfileName, -Credential, $StoredAWSCredentials, then what the
    # native library finds (environment keys, AWS_PROFILE, the default profile, ...); region:
    # -Region, $StoredAWSRegion, then AWS_REGION / AWS_DEFAULT_REGION, the selected profile's
    # region and us-east-1.
    param(
        [Parameter(Mandatory)] [hashtable] $Bound,
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $auth = @{}
    $credential = $null
    if ($Bound.ContainsKey('AccessKey') -or $Bound.ContainsKey('SecretKey')) {
        $auth['access_key'] = [string]$Bound['AccessKey']
        $auth['secret_key'] = [string]$Bound['SecretKey']
        if ($Bound.ContainsKey('SessionToken')) { $auth['session_token'] = [string]$Bound['SessionToken'] }
    } elseif ($Bound.ContainsKey('ProfileName')) {
        $auth['profile'] = [string]$Bound['ProfileName']
    } elseif ($Bound.ContainsKey('Credential') -and $null -ne $Bound['Credential']) {
        $credential = $Bound['Credential']
    } else {
        $stored = $ExecutionContext.SessionState.PSVariable.GetValue('global:StoredAWSCredentials')
        if ($stored -is [AWS.Tools.RustSSO.AWSCredentials]) { $credential = $stored }
    }
    if ($null -ne $credential) {
        foreach ($pair in $credential.ToRequest().GetEnumerator()) { $auth[$pair.Key] = $pair.Value }
    }
    if ($Bound.ContainsKey('ProfileLocation')) { $auth['profile_location'] = Resolve-RustSsoPath -Path $Bound['ProfileLocation'] -Cmdlet $Cmdlet }
    foreach ($name in @($Bound.Keys)) {
        $value = $Bound[$name]
        if ($value -is [string] -and $name -ne 'SessionToken' -and ($value.Length -gt 4096 -or ($value.Length -gt 0 -and $value.Trim().Length -eq 0) -or $value.Length -eq 0)) {
            $Cmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code 'InvalidParameterValue' -Category InvalidArgument -Message ("The value of -{0} is empty, blank or longer than 4096 characters." -f $name)))
        }
    }
    $common = @{ auth = $auth }
    if ($Bound.ContainsKey('Region')) {
        $common['region'] = [string]$Bound['Region']
    } else {
        $storedRegion = $ExecutionContext.SessionState.PSVariable.GetValue('global:StoredAWSRegion')
        if ($storedRegion) { $common['default_region'] = [string]$storedRegion }
    }
    if ($Bound.ContainsKey('EndpointUrl')) { $common['endpoint_url'] = [string]$Bound['EndpointUrl'] }
    if ($Bound.ContainsKey('TimeoutSec')) { $common['timeout_ms'] = [int64]$Bound['TimeoutSec'] * 1000 }
    if ($Bound.ContainsKey('MaxAttempt')) { $common['max_attempts'] = [int]$Bound['MaxAttempt'] }
    $common
}

function ConvertTo-RustSsoDateTime {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [datetime]) { return $Value.ToLocalTime() }
    [datetime]::Parse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture,
        [System.Globalization.DateTimeStyles]::RoundtripKind).ToLocalTime()
}
