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
    Join-Path -Path $PSScriptRoot -ChildPath (Join-Path -Path "bin/$os-$arch" -ChildPath $file)
}

function Initialize-RustSsoNativeLibrary {
    $interop = Join-Path -Path $PSScriptRoot -ChildPath 'lib/AWS.Tools.RustSSO.Interop.dll'
    if (-not ('AWS.Tools.RustSSO.Interop.Native' -as [type])) {
        Add-Type -Path $interop
    }
    $libraryPath = Get-RustSsoNativeLibraryPath
    if (-not (Test-Path -LiteralPath $libraryPath -PathType Leaf)) {
        throw "AWS.Tools.RustSSO: the native library for this platform was not found at '$libraryPath'. This platform may not be supported by this build of the module."
    }
    [AWS.Tools.RustSSO.Interop.Native]::Load($libraryPath)
    $actual = [AWS.Tools.RustSSO.Interop.Native]::AbiVersion()
    if ($actual -ne $script:ExpectedAbiVersion) {
        throw ("AWS.Tools.RustSSO: the native library '{0}' has ABI version {1}, but this module requires ABI version {2}. Reinstall the module so that its script and native library match." -f $libraryPath, $actual, $script:ExpectedAbiVersion)
    }
}

Initialize-RustSsoNativeLibrary

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

function Invoke-RustSsoOperation {
    # One native call. Returns the parsed result or throws a terminating ErrorRecord through the
    # calling command. The request is never written to any stream: it may carry a secret key.
    param(
        [Parameter(Mandatory)] [string] $Operation,
        [Parameter(Mandatory)] [hashtable] $Parameters,
        [Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    $request = ConvertTo-Json -InputObject @{ op = $Operation; params = $Parameters } -Depth 8 -Compress
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $result = [AWS.Tools.RustSSO.Interop.Native]::Call($request, $Cmdlet)
    $Cmdlet.WriteVerbose(("{0} finished in {1} ms." -f $Operation, $watch.ElapsedMilliseconds))
    if ($result.IsSuccess) {
        return (ConvertFrom-Json -InputObject $result.Json)
    }
    $failure = ConvertFrom-Json -InputObject $result.Json
    $Cmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code $failure.code -Message $failure.message -Category $failure.category))
}

function Get-RustSsoCommonParameter {
    # The credential, profile, region and endpoint settings every service command shares.
    param([Parameter(Mandatory)] [hashtable] $Bound)
    $auth = @{}
    foreach ($pair in @(@('AccessKey', 'access_key'), @('SecretKey', 'secret_key'), @('SessionToken', 'session_token'),
            @('ProfileName', 'profile'), @('ProfileLocation', 'profile_location'))) {
        if ($Bound.ContainsKey($pair[0])) { $auth[$pair[1]] = [string]$Bound[$pair[0]] }
    }
    $common = @{ auth = $auth }
    if ($Bound.ContainsKey('Region')) { $common['region'] = [string]$Bound['Region'] }
    if ($Bound.ContainsKey('EndpointUrl')) { $common['endpoint_url'] = [string]$Bound['EndpointUrl'] }
    $common
}

function ConvertTo-RustSsoDateTime {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [datetime]) { return $Value.ToLocalTime() }
    [datetime]::Parse([string]$Value, [System.Globalization.CultureInfo]::InvariantCulture,
        [System.Globalization.DateTimeStyles]::RoundtripKind).ToLocalTime()
}

function Get-S3Bucket {
    <#
    .SYNOPSIS
    Lists the S3 buckets of the account, one object per bucket.

    .DESCRIPTION
    Calls the Amazon S3 ListBuckets API and writes one object per bucket (BucketName,
    CreationDate, BucketRegion, BucketArn) as each page of results arrives, fetching further pages
    automatically. Stopping the pipeline early (for example with Select-Object -First 1) fetches
    no further pages, and Ctrl+C cancels the request in flight.

    Credentials come from -AccessKey/-SecretKey/-SessionToken, or from -ProfileName (an SSO,
    static-key, credential_process or role profile of the shared AWS config), or from the
    environment and the default profile. The region comes from -Region, then AWS_REGION /
    AWS_DEFAULT_REGION, then us-east-1.

    .PARAMETER BucketName
    Writes only the bucket with exactly this name (case-sensitive, filtered on the client).

    .PARAMETER BucketRegion
    Lists only buckets in this region (ListBuckets bucket-region).

    .PARAMETER Prefix
    Lists only buckets whose names start with this prefix.

    .PARAMETER MaxBucket
    The page size: the largest number of buckets per ListBuckets call.

    .PARAMETER ContinuationToken
    Fetches one page starting from this token (manual paging).

    .PARAMETER NoAutoIteration
    Fetches one page only.

    .PARAMETER EndpointUrl
    Calls this endpoint instead of the regional S3 endpoint. Path-style addressing is on by default
    with a custom endpoint.

    .PARAMETER ForcePathStyleAddressing
    Uses path-style addressing (true) or virtual-hosted addressing (false).

    .PARAMETER Region
    The AWS region to call, for example us-east-1.

    .PARAMETER ProfileName
    The name of the profile in the shared AWS config (or credentials file) to take credentials
    from. A profile that does not exist is an error.

    .PARAMETER ProfileLocation
    Reads profiles from this file only, instead of the default shared files.

    .PARAMETER AccessKey
    The access key id of static credentials.

    .PARAMETER SecretKey
    The secret access key of static credentials.

    .PARAMETER SessionToken
    The session token of temporary static credentials.

    .EXAMPLE
    Get-S3Bucket

    Lists all buckets, using the credentials and region of the shell's defaults.

    .EXAMPLE
    Get-S3Bucket -BucketName test-files -ProfileName my-sso-profile

    Writes the bucket named test-files, with credentials from the SSO profile my-sso-profile.

    .EXAMPLE
    Get-S3Bucket -AccessKey AKIDEXAMPLE -SecretKey $secret -Region eu-west-1 | Select-Object -First 1

    Writes the first bucket only; no further page is fetched.

    .OUTPUTS
    AWS.Tools.RustSSO.S3Bucket
    #>
    [CmdletBinding()]
    [OutputType('AWS.Tools.RustSSO.S3Bucket')]
    param(
        [Parameter(Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [string] $BucketName,
        [string] $BucketRegion,
        [string] $Prefix,
        [Alias('MaxBuckets', 'MaxItems')]
        [int] $MaxBucket,
        [Alias('NextToken')]
        [string] $ContinuationToken,
        [switch] $NoAutoIteration,
        [string] $EndpointUrl,
        [bool] $ForcePathStyleAddressing,
        [Alias('RegionToCall')]
        [string] $Region,
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Alias('AK')]
        [string] $AccessKey,
        [Alias('SK', 'SecretAccessKey')]
        [string] $SecretKey,
        [Alias('ST')]
        [string] $SessionToken
    )
    process {
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters
        if ($PSBoundParameters.ContainsKey('ForcePathStyleAddressing')) { $params['force_path_style'] = $ForcePathStyleAddressing }
        if ($PSBoundParameters.ContainsKey('MaxBucket')) { $params['max_buckets'] = $MaxBucket }
        if ($BucketRegion) { $params['bucket_region'] = $BucketRegion }
        if ($Prefix) { $params['prefix'] = $Prefix }
        $token = $ContinuationToken
        $onePage = $NoAutoIteration.IsPresent -or [bool]$ContinuationToken
        do {
            if ($token) { $params['continuation_token'] = $token }
            $page = Invoke-RustSsoOperation -Operation 's3.list_buckets' -Parameters $params -Cmdlet $PSCmdlet
            foreach ($bucket in @($page.buckets)) {
                if ($BucketName -and -not [string]::Equals($bucket.name, $BucketName, [System.StringComparison]::Ordinal)) { continue }
                [pscustomobject]@{
                    PSTypeName   = 'AWS.Tools.RustSSO.S3Bucket'
                    BucketName   = $bucket.name
                    CreationDate = ConvertTo-RustSsoDateTime $bucket.creation_date
                    BucketRegion = $bucket.bucket_region
                    BucketArn    = $bucket.bucket_arn
                }
            }
            $token = $page.continuation_token
        } while ($token -and -not $onePage)
    }
}

function Get-STSCallerIdentity {
    <#
    .SYNOPSIS
    Returns the account, ARN and user id of the credentials in use.

    .DESCRIPTION
    Calls AWS STS GetCallerIdentity with the resolved credentials. Use it to check which account
    and role a profile or a set of keys gives you.

    .PARAMETER EndpointUrl
    Calls this endpoint instead of the regional STS endpoint.

    .PARAMETER Region
    The AWS region to call.

    .PARAMETER ProfileName
    The name of the profile to take credentials from.

    .PARAMETER ProfileLocation
    Reads profiles from this file only.

    .PARAMETER AccessKey
    The access key id of static credentials.

    .PARAMETER SecretKey
    The secret access key of static credentials.

    .PARAMETER SessionToken
    The session token of temporary static credentials.

    .EXAMPLE
    Get-STSCallerIdentity -ProfileName my-sso-profile

    Shows the account and role behind the SSO profile my-sso-profile.

    .OUTPUTS
    AWS.Tools.RustSSO.CallerIdentity
    #>
    [CmdletBinding()]
    [OutputType('AWS.Tools.RustSSO.CallerIdentity')]
    param(
        [string] $EndpointUrl,
        [Alias('RegionToCall')]
        [string] $Region,
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Alias('AK')]
        [string] $AccessKey,
        [Alias('SK', 'SecretAccessKey')]
        [string] $SecretKey,
        [Alias('ST')]
        [string] $SessionToken
    )
    $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters
    $identity = Invoke-RustSsoOperation -Operation 'sts.get_caller_identity' -Parameters $params -Cmdlet $PSCmdlet
    [pscustomobject]@{
        PSTypeName = 'AWS.Tools.RustSSO.CallerIdentity'
        Account    = $identity.account
        Arn        = $identity.arn
        UserId     = $identity.user_id
    }
}

Export-ModuleMember -Function 'Get-S3Bucket', 'Get-STSCallerIdentity'
