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
        $stored = Get-Variable -Name StoredAWSCredentials -Scope Global -ValueOnly -ErrorAction SilentlyContinue
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
        $storedRegion = Get-Variable -Name StoredAWSRegion -Scope Global -ValueOnly -ErrorAction SilentlyContinue
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

function Get-S3Bucket {
    <#
    .SYNOPSIS
    Lists the S3 buckets of the account, one object per bucket.

    .DESCRIPTION
    Calls the Amazon S3 ListBuckets API and writes one object per bucket (BucketName,
    CreationDate, BucketRegion, BucketArn) as each page of results arrives, fetching further pages
    automatically. Stopping the pipeline early (for example with Select-Object -First 1) fetches
    no further pages, and Ctrl+C cancels the request in flight.

    Credentials come, in this order, from -AccessKey/-SecretKey, -ProfileName, -Credential,
    $StoredAWSCredentials (Set-AWSCredential), the environment, AWS_PROFILE and the default
    profile. SSO profiles use the token cache shared with the AWS CLI; a command never starts a
    login. The region comes from -Region, $StoredAWSRegion, AWS_REGION, AWS_DEFAULT_REGION, the
    selected profile's region, then us-east-1.

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

    .PARAMETER Select
    What to write: 'Buckets' (the default) writes the buckets; '*' writes each whole response
    (Buckets, ContinuationToken, Owner, Prefix); 'Owner', 'ContinuationToken', 'Prefix' or
    'Buckets.<Property>' write that part; '^Name' writes the value of the parameter Name.

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
    from. A profile that does not exist is an error, never a fall-back to another profile.

    .PARAMETER ProfileLocation
    Reads profiles from this file only, instead of the default shared files.

    .PARAMETER AccessKey
    The access key id of static credentials.

    .PARAMETER SecretKey
    The secret access key of static credentials.

    .PARAMETER SessionToken
    The session token of temporary static credentials.

    .PARAMETER Credential
    Credentials from Get-AWSCredential (a profile or static keys).

    .PARAMETER TimeoutSec
    Gives up on each call after this many seconds (default: no limit beyond the SDK's own).

    .PARAMETER MaxAttempt
    Attempts per call with the SDK's standard retry and backoff (default: the profile's
    max_attempts / retry_mode, else 3).

    .EXAMPLE
    Get-S3Bucket

    Lists all buckets, with the credentials and region of the shell's defaults.

    .EXAMPLE
    Get-S3Bucket -BucketName test-files -ProfileName my-sso-profile

    Writes the bucket named test-files, with credentials from the SSO profile my-sso-profile.

    .EXAMPLE
    Get-S3Bucket -ProfileName my-sso-profile | Select-Object -First 1

    Writes the first bucket only; no further page is fetched.

    .EXAMPLE
    Get-S3Bucket -MaxBucket 100 -Select *

    Writes each response page whole, with its ContinuationToken and Owner.

    .INPUTS
    System.String (a bucket name), AWS.Tools.RustSSO.AWSCredentials

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
        [string] $Select = 'Buckets',
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
        [string] $SessionToken,
        [Parameter(ValueFromPipeline = $true)]
        [AWS.Tools.RustSSO.AWSCredentials] $Credential,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec,
        [ValidateRange(1, 20)]
        [Alias('MaxAttempts')]
        [int] $MaxAttempt
    )
    process {
        if ($PSBoundParameters.ContainsKey('Select') -and $PSBoundParameters.ContainsKey('BucketName')) {
            $PSCmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code 'BucketNameWithSelect' -Category InvalidArgument -Message '-BucketName cannot be used when -Select is specified.'))
        }
        if ($Select -notmatch '^(Buckets|\*|Owner|ContinuationToken|Prefix|Buckets\.(BucketName|CreationDate|BucketRegion|BucketArn)|\^\w+)$') {
            $PSCmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code 'InvalidSelect' -Category InvalidArgument -Message ("-Select '{0}' is not valid: use Buckets, *, Owner, ContinuationToken, Prefix, Buckets.<Property> or ^ParameterName." -f $Select)))
        }
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters -Cmdlet $PSCmdlet
        if ($PSBoundParameters.ContainsKey('ForcePathStyleAddressing')) { $params['force_path_style'] = $ForcePathStyleAddressing }
        if ($PSBoundParameters.ContainsKey('MaxBucket')) { $params['max_buckets'] = $MaxBucket }
        if ($BucketRegion) { $params['bucket_region'] = $BucketRegion }
        if ($Prefix) { $params['prefix'] = $Prefix }
        $token = $ContinuationToken
        $onePage = $NoAutoIteration.IsPresent -or [bool]$ContinuationToken
        do {
            if ($token) { $params['continuation_token'] = $token }
            $call = $params.Clone()
            $page = Invoke-RustSsoOperation -Operation 's3.list_buckets' -Parameters $call -Cmdlet $PSCmdlet
            # The hot loop of large listings: no function calls per bucket.
            $buckets = foreach ($bucket in $page.buckets) {
                if ($BucketName -and -not [string]::Equals($bucket.name, $BucketName, [System.StringComparison]::Ordinal)) { continue }
                $created = $bucket.creation_date
                if ($null -ne $created) { $created = [datetime]::Parse($created, $script:Invariant, $script:RoundTrip).ToLocalTime() }
                [pscustomobject]@{
                    PSTypeName   = 'AWS.Tools.RustSSO.S3Bucket'
                    BucketName   = $bucket.name
                    CreationDate = $created
                    BucketRegion = $bucket.bucket_region
                    BucketArn    = $bucket.bucket_arn
                }
            }
            switch -Regex ($Select) {
                '^Buckets$' { $buckets }
                '^Buckets\.(\w+)$' { foreach ($b in @($buckets)) { $b.($Matches[1]) } }
                '^\*$' {
                    $owner = $null
                    if ($page.owner) { $owner = [pscustomobject]@{ PSTypeName = 'AWS.Tools.RustSSO.S3Owner'; Id = $page.owner.id; DisplayName = $page.owner.display_name } }
                    [pscustomobject]@{
                        PSTypeName        = 'AWS.Tools.RustSSO.ListBucketsResponse'
                        Buckets           = @($buckets)
                        ContinuationToken = $page.continuation_token
                        Owner             = $owner
                        Prefix            = $page.prefix
                    }
                }
                '^Owner$' { if ($page.owner) { [pscustomobject]@{ PSTypeName = 'AWS.Tools.RustSSO.S3Owner'; Id = $page.owner.id; DisplayName = $page.owner.display_name } } }
                '^ContinuationToken$' { $page.continuation_token }
                '^Prefix$' { $page.prefix }
                '^\^(\w+)$' { $PSBoundParameters[$Matches[1]] }
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
    and role a profile or a set of keys gives you (the AWS CLI's 'aws sts get-caller-identity').

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

    .PARAMETER Credential
    Credentials from Get-AWSCredential (a profile or static keys).

    .PARAMETER TimeoutSec
    Gives up after this many seconds.

    .PARAMETER MaxAttempt
    Attempts per call with the SDK's standard retry and backoff (default: the profile's
    max_attempts / retry_mode, else 3).

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
        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Alias('AK')]
        [string] $AccessKey,
        [Alias('SK', 'SecretAccessKey')]
        [string] $SecretKey,
        [Alias('ST')]
        [string] $SessionToken,
        [Parameter(ValueFromPipeline = $true)]
        [AWS.Tools.RustSSO.AWSCredentials] $Credential,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec,
        [ValidateRange(1, 20)]
        [Alias('MaxAttempts')]
        [int] $MaxAttempt
    )
    process {
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters -Cmdlet $PSCmdlet
        $identity = Invoke-RustSsoOperation -Operation 'sts.get_caller_identity' -Parameters $params -Cmdlet $PSCmdlet
        [pscustomobject]@{
            PSTypeName = 'AWS.Tools.RustSSO.CallerIdentity'
            Account    = $identity.account
            Arn        = $identity.arn
            UserId     = $identity.user_id
        }
    }
}

function Get-SSOAccountList {
    <#
    .SYNOPSIS
    Lists the AWS accounts the SSO user of a profile may use.

    .DESCRIPTION
    Calls the IAM Identity Center portal's ListAccounts with the cached SSO token of the profile
    (refreshed when needed; never a login) and writes one object per account, page by page.

    .PARAMETER ProfileName
    The SSO profile whose token is used (default: AWS_PROFILE, then the default profile).

    .PARAMETER ProfileLocation
    Reads profiles from this file only.

    .PARAMETER MaxResult
    The page size (1-100).

    .PARAMETER NextToken
    Fetches one page starting from this token.

    .PARAMETER NoAutoIteration
    Fetches one page only.

    .PARAMETER TimeoutSec
    Gives up on each call after this many seconds.

    .EXAMPLE
    Get-SSOAccountList -ProfileName my-sso-profile

    Lists the accounts assigned to the SSO user.

    .OUTPUTS
    AWS.Tools.RustSSO.SSOAccount
    #>
    [CmdletBinding()]
    [OutputType('AWS.Tools.RustSSO.SSOAccount')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Alias('MaxResults', 'MaxItems')]
        [ValidateRange(1, 100)]
        [int] $MaxResult,
        [string] $NextToken,
        [switch] $NoAutoIteration,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec
    )
    process {
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters -Cmdlet $PSCmdlet
        if ($PSBoundParameters.ContainsKey('MaxResult')) { $params['max_results'] = $MaxResult }
        $token = $NextToken
        do {
            $call = $params.Clone()
            if ($token) { $call['next_token'] = $token }
            $page = Invoke-RustSsoOperation -Operation 'sso.list_accounts' -Parameters $call -Cmdlet $PSCmdlet
            foreach ($account in @($page.accounts)) {
                $item = [pscustomobject]@{
                    PSTypeName   = 'AWS.Tools.RustSSO.SSOAccount'
                    AccountId    = $account.account_id
                    AccountName  = $account.account_name
                    EmailAddress = $account.email_address
                }
                # Only when given, so that piping to Get-SSOAccountRoleList binds no empty name.
                if ($ProfileName) { Add-Member -InputObject $item -NotePropertyName ProfileName -NotePropertyValue $ProfileName }
                $item
            }
            $token = $page.next_token
        } while ($token -and -not $NoAutoIteration -and -not $NextToken)
    }
}

function Get-SSOAccountRoleList {
    <#
    .SYNOPSIS
    Lists the roles the SSO user of a profile may assume in an account.

    .DESCRIPTION
    Calls the IAM Identity Center portal's ListAccountRoles with the cached SSO token of the
    profile. Without -AccountId, the profile's own sso_account_id is used. Accepts the output of
    Get-SSOAccountList from the pipeline.

    .PARAMETER AccountId
    The account whose roles to list.

    .PARAMETER ProfileName
    The SSO profile whose token is used.

    .PARAMETER ProfileLocation
    Reads profiles from this file only.

    .PARAMETER MaxResult
    The page size (1-100).

    .PARAMETER NextToken
    Fetches one page starting from this token.

    .PARAMETER NoAutoIteration
    Fetches one page only.

    .PARAMETER TimeoutSec
    Gives up on each call after this many seconds.

    .EXAMPLE
    Get-SSOAccountList -ProfileName dev | Get-SSOAccountRoleList

    Lists every role in every account the SSO user may use.

    .OUTPUTS
    AWS.Tools.RustSSO.SSORole
    #>
    [CmdletBinding()]
    [OutputType('AWS.Tools.RustSSO.SSORole')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = $true)]
        [string] $AccountId,
        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Alias('MaxResults', 'MaxItems')]
        [ValidateRange(1, 100)]
        [int] $MaxResult,
        [string] $NextToken,
        [switch] $NoAutoIteration,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec
    )
    process {
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters -Cmdlet $PSCmdlet
        if ($AccountId) { $params['account_id'] = $AccountId }
        if ($PSBoundParameters.ContainsKey('MaxResult')) { $params['max_results'] = $MaxResult }
        $token = $NextToken
        do {
            $call = $params.Clone()
            if ($token) { $call['next_token'] = $token }
            $page = Invoke-RustSsoOperation -Operation 'sso.list_account_roles' -Parameters $call -Cmdlet $PSCmdlet
            foreach ($role in @($page.roles)) {
                [pscustomobject]@{
                    PSTypeName = 'AWS.Tools.RustSSO.SSORole'
                    AccountId  = $role.account_id
                    RoleName   = $role.role_name
                }
            }
            $token = $page.next_token
        } while ($token -and -not $NoAutoIteration -and -not $NextToken)
    }
}

function Get-SSORoleCredential {
    <#
    .SYNOPSIS
    Gets temporary credentials for an SSO role.

    .DESCRIPTION
    Calls the IAM Identity Center portal's GetRoleCredentials with the cached SSO token of the
    profile, for the profile's account and role or the ones given. The result holds the secret
    access key and session token; the default view shows only the access key id and expiry.
    Credentials are cached in memory and shared with every command of the session.

    .PARAMETER AccountId
    The account of the role (default: the profile's sso_account_id).

    .PARAMETER RoleName
    The role (default: the profile's sso_role_name).

    .PARAMETER ProfileName
    The SSO profile whose token is used.

    .PARAMETER ProfileLocation
    Reads profiles from this file only.

    .PARAMETER TimeoutSec
    Gives up after this many seconds.

    .EXAMPLE
    Get-SSORoleCredential -ProfileName dev

    Shows the access key id and expiry of the role credentials of profile dev.

    .EXAMPLE
    Get-SSOAccountRoleList -ProfileName dev -AccountId 111122223333 | Get-SSORoleCredential -ProfileName dev

    Gets credentials for every role the user has in one account.

    .OUTPUTS
    AWS.Tools.RustSSO.RoleCredentials
    #>
    [CmdletBinding()]
    [OutputType('AWS.Tools.RustSSO.RoleCredentials')]
    param(
        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string] $AccountId,
        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string] $RoleName,
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec
    )
    process {
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters -Cmdlet $PSCmdlet
        if ($AccountId) { $params['account_id'] = $AccountId }
        if ($RoleName) { $params['role_name'] = $RoleName }
        $c = Invoke-RustSsoOperation -Operation 'sso.get_role_credentials' -Parameters $params -Cmdlet $PSCmdlet
        [pscustomobject]@{
            PSTypeName      = 'AWS.Tools.RustSSO.RoleCredentials'
            AccountId       = $c.account_id
            RoleName        = $RoleName
            AccessKeyId     = $c.access_key_id
            SecretAccessKey = $c.secret_access_key
            SessionToken    = $c.session_token
            Expiration      = ConvertTo-RustSsoDateTime $c.expiration
        }
    }
}

function Get-RustSsoProfileDetail {
    param([string] $ProfileLocation, [System.Management.Automation.PSCmdlet] $Cmdlet)
    $params = @{}
    if ($ProfileLocation) { $params['profile_location'] = Resolve-RustSsoPath -Path $ProfileLocation -Cmdlet $Cmdlet }
    @(Invoke-RustSsoOperation -Operation 'config.list_profiles' -Parameters $params -Cmdlet $Cmdlet)
}

function Get-AWSCredential {
    <#
    .SYNOPSIS
    Gets a credentials reference for a profile, or lists the profiles.

    .DESCRIPTION
    With -ProfileName, returns a credentials object for that profile, to pass to -Credential or
    Set-AWSCredential; a profile that does not exist is an error. With -ListProfileDetail, lists
    every profile of the shared config and credentials files: ProfileName, StoreTypeName and
    ProfileLocation as AWS Tools does, plus the kind of profile and, for SSO profiles, the
    session, account, role and the state and expiry of the cached token. Without parameters,
    returns the shell's stored credentials ($StoredAWSCredentials). Makes no network call.

    .PARAMETER ProfileName
    The profile to reference.

    .PARAMETER ProfileLocation
    Reads profiles from this file only.

    .PARAMETER ListProfileDetail
    Lists every profile with its details.

    .EXAMPLE
    Get-AWSCredential -ListProfileDetail

    Lists the profiles, with the SSO token state of SSO profiles.

    .EXAMPLE
    $cred = Get-AWSCredential -ProfileName dev; Get-S3Bucket -Credential $cred

    Uses the profile dev through a credentials object.

    .OUTPUTS
    AWS.Tools.RustSSO.AWSCredentials, AWS.Tools.RustSSO.ProfileDetail
    #>
    [CmdletBinding(DefaultParameterSetName = 'Stored')]
    [OutputType('AWS.Tools.RustSSO.AWSCredentials', 'AWS.Tools.RustSSO.ProfileDetail')]
    param(
        [Parameter(ParameterSetName = 'Profile', Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Profile')]
        [Parameter(ParameterSetName = 'List')]
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Parameter(ParameterSetName = 'List', Mandatory = $true)]
        [Alias('ListProfiles')]
        [switch] $ListProfileDetail
    )
    process {
        switch ($PSCmdlet.ParameterSetName) {
            'Stored' { Get-Variable -Name StoredAWSCredentials -Scope Global -ValueOnly -ErrorAction SilentlyContinue }
            'List' {
                foreach ($p in (Get-RustSsoProfileDetail -ProfileLocation $ProfileLocation -Cmdlet $PSCmdlet)) {
                    [pscustomobject]@{
                        PSTypeName      = 'AWS.Tools.RustSSO.ProfileDetail'
                        ProfileName     = $p.profile_name
                        StoreTypeName   = 'SharedCredentialsFile'
                        ProfileLocation = $p.profile_location
                        Kind            = $p.kind
                        Region          = $p.region
                        SsoSession      = $p.sso_session
                        AccountId       = $p.account_id
                        RoleName        = $p.role_name
                        TokenStatus     = $p.token_status
                        TokenExpiresAt  = ConvertTo-RustSsoDateTime $p.token_expires_at
                        Problem         = $p.problem
                    }
                }
            }
            'Profile' {
                $known = Get-RustSsoProfileDetail -ProfileLocation $ProfileLocation -Cmdlet $PSCmdlet | Where-Object { $_.profile_name -ceq $ProfileName }
                if (-not $known) {
                    $PSCmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code 'ProfileNotFound' -Category ObjectNotFound -Target $ProfileName -Message ("The profile '{0}' was not found in the AWS config or credentials file." -f $ProfileName)))
                }
                [AWS.Tools.RustSSO.AWSCredentials]::FromProfile($ProfileName, $ProfileLocation)
            }
        }
    }
}

function Set-AWSCredential {
    <#
    .SYNOPSIS
    Sets the shell's default credentials ($StoredAWSCredentials).

    .DESCRIPTION
    Every command of this module that is given no credentials of its own uses these, as in AWS
    Tools for PowerShell. Pass a profile name, static keys, or a credentials object.

    .PARAMETER ProfileName
    The profile to use by default. It must exist.

    .PARAMETER ProfileLocation
    Reads the profile from this file only.

    .PARAMETER AccessKey
    The access key id of static credentials.

    .PARAMETER SecretKey
    The secret access key of static credentials.

    .PARAMETER SessionToken
    The session token of temporary static credentials.

    .PARAMETER Credential
    A credentials object from Get-AWSCredential.

    .EXAMPLE
    Set-AWSCredential -ProfileName dev; Get-S3Bucket

    Lists buckets with the profile dev, now the shell's default.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Profile')]
    param(
        [Parameter(ParameterSetName = 'Profile', Mandatory = $true, Position = 0)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Profile')]
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Parameter(ParameterSetName = 'Keys', Mandatory = $true)]
        [Alias('AK')]
        [string] $AccessKey,
        [Parameter(ParameterSetName = 'Keys', Mandatory = $true)]
        [Alias('SK', 'SecretAccessKey')]
        [string] $SecretKey,
        [Parameter(ParameterSetName = 'Keys')]
        [Alias('ST')]
        [string] $SessionToken,
        [Parameter(ParameterSetName = 'Credential', Mandatory = $true, ValueFromPipeline = $true)]
        [AWS.Tools.RustSSO.AWSCredentials] $Credential
    )
    process {
        $value = switch ($PSCmdlet.ParameterSetName) {
            'Profile' { Get-AWSCredential -ProfileName $ProfileName -ProfileLocation $ProfileLocation -ErrorAction Stop }
            'Keys' { [AWS.Tools.RustSSO.AWSCredentials]::FromKeys($AccessKey, $SecretKey, $SessionToken) }
            'Credential' { $Credential }
        }
        Set-Variable -Name StoredAWSCredentials -Scope Global -Value $value
    }
}

function Clear-AWSCredential {
    <#
    .SYNOPSIS
    Clears the shell's default credentials ($StoredAWSCredentials).

    .DESCRIPTION
    Commands then find credentials in the environment, AWS_PROFILE or the default profile again.

    .EXAMPLE
    Clear-AWSCredential

    Forgets the credentials set with Set-AWSCredential.
    #>
    [CmdletBinding()]
    param()
    Remove-Variable -Name StoredAWSCredentials -Scope Global -ErrorAction SilentlyContinue
}

function Set-DefaultAWSRegion {
    <#
    .SYNOPSIS
    Sets the shell's default region ($StoredAWSRegion).

    .DESCRIPTION
    Commands given no -Region use this region before the environment and the profile's region.

    .PARAMETER Region
    The region, for example eu-west-1.

    .EXAMPLE
    Set-DefaultAWSRegion -Region eu-west-1

    Makes eu-west-1 the default region of this shell.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidatePattern('^[a-z]{2}(-[a-z]+)+-\d+$')]
        [string] $Region
    )
    process { Set-Variable -Name StoredAWSRegion -Scope Global -Value $Region }
}

function Get-DefaultAWSRegion {
    <#
    .SYNOPSIS
    Gets the shell's default region ($StoredAWSRegion).

    .DESCRIPTION
    Returns the region set with Set-DefaultAWSRegion, or nothing when none is set.

    .EXAMPLE
    Get-DefaultAWSRegion

    Shows the default region of this shell.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    Get-Variable -Name StoredAWSRegion -Scope Global -ValueOnly -ErrorAction SilentlyContinue
}

function Clear-DefaultAWSRegion {
    <#
    .SYNOPSIS
    Clears the shell's default region ($StoredAWSRegion).

    .DESCRIPTION
    Commands then take the region from the environment or the profile again.

    .EXAMPLE
    Clear-DefaultAWSRegion

    Forgets the region set with Set-DefaultAWSRegion.
    #>
    [CmdletBinding()]
    param()
    Remove-Variable -Name StoredAWSRegion -Scope Global -ErrorAction SilentlyContinue
}

function Export-AWSCredential {
    <#
    .SYNOPSIS
    Prints the resolved credentials for other tools, in the AWS CLI's export-credentials formats.

    .DESCRIPTION
    Resolves credentials exactly as the other commands do and writes them in one of the formats
    of 'aws configure export-credentials': PowerShell ($Env: lines), Env (export lines),
    EnvNoExport, WindowsCmd (set lines), or Process (the credential_process JSON). This is the
    only command that writes secrets, because that is what it is for. With Process it can serve
    as a credential_process for the AWS CLI and SDKs:
    credential_process = pwsh -NoProfile -Command "Import-Module AWS.Tools.RustSSO; Export-AWSCredential -ProfileName dev -Format Process"

    .PARAMETER Format
    PowerShell, Env, EnvNoExport, WindowsCmd or Process.

    .PARAMETER ProfileName
    The profile to take credentials from.

    .PARAMETER ProfileLocation
    Reads profiles from this file only.

    .PARAMETER Region
    Not needed for credentials; accepted for symmetry with the other commands.

    .PARAMETER Credential
    A credentials object from Get-AWSCredential.

    .PARAMETER TimeoutSec
    Gives up after this many seconds.

    .EXAMPLE
    Export-AWSCredential -ProfileName dev -Format PowerShell | Invoke-Expression

    Puts the credentials of the SSO profile dev into this shell's environment.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [ValidateSet('PowerShell', 'Env', 'EnvNoExport', 'WindowsCmd', 'Process')]
        [string] $Format = 'Process',
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Alias('RegionToCall')]
        [string] $Region,
        [Parameter(ValueFromPipeline = $true)]
        [AWS.Tools.RustSSO.AWSCredentials] $Credential,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec
    )
    process {
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters -Cmdlet $PSCmdlet
        $params['include_secrets'] = $true
        $r = Invoke-RustSsoOperation -Operation 'credentials.resolve' -Parameters $params -Cmdlet $PSCmdlet
        $c = $r.credentials
        if ($c.expiration -is [datetime]) {
            # PowerShell 7.0-7.4 turn ISO dates into DateTime values: write them back as the CLI does.
            $c.expiration = $c.expiration.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', $script:Invariant)
        }
        # Long-term keys have no session token and no expiration: both are optional everywhere.
        $sessionToken = $c.PSObject.Properties['session_token']; if ($sessionToken) { $sessionToken = $sessionToken.Value }
        $vars = [ordered]@{ AWS_ACCESS_KEY_ID = $c.access_key_id; AWS_SECRET_ACCESS_KEY = $c.secret_access_key }
        if ($sessionToken) { $vars['AWS_SESSION_TOKEN'] = $sessionToken }
        if ($c.expiration) { $vars['AWS_CREDENTIAL_EXPIRATION'] = $c.expiration }
        switch ($Format) {
            'Process' {
                $doc = [ordered]@{ Version = 1; AccessKeyId = $c.access_key_id; SecretAccessKey = $c.secret_access_key }
                if ($sessionToken) { $doc['SessionToken'] = $sessionToken }
                if ($c.expiration) { $doc['Expiration'] = $c.expiration }
                ConvertTo-Json -InputObject $doc -Compress
            }
            # Single quotes: Invoke-Expression must not expand anything in a value.
            'PowerShell' { foreach ($k in $vars.Keys) { "`$Env:{0}='{1}'" -f $k, ([string]$vars[$k]).Replace("'", "''") } }
            'Env' { foreach ($k in $vars.Keys) { 'export {0}={1}' -f $k, $vars[$k] } }
            'EnvNoExport' { foreach ($k in $vars.Keys) { '{0}={1}' -f $k, $vars[$k] } }
            'WindowsCmd' { foreach ($k in $vars.Keys) { 'set {0}={1}' -f $k, $vars[$k] } }
        }
    }
}

function Test-RustSsoInteractive {
    # Whether a human can take part: not with -NonInteractive, without console input (scheduled
    # tasks, CI, redirected stdin), or in a host without a user interface.
    foreach ($argument in [Environment]::GetCommandLineArgs()) {
        if ($argument -match '^[-/]noni') { return $false }
    }
    if (-not [Environment]::UserInteractive) { return $false }
    try { if ([Console]::IsInputRedirected) { return $false } } catch { return $false }
    if ($Host.Name -eq 'Default Host' -or $Host.Name -eq 'ServerRemoteHost') { return $false }
    $true
}

function Test-RustSsoBrowserUrl {
    # Whether a URL may be handed to the system's URL handler: https, or http on a loopback host.
    param([string] $Url)
    $uri = $null
    if (-not [System.Uri]::TryCreate($Url, [System.UriKind]::Absolute, [ref] $uri)) { return $false }
    if ($uri.Scheme -eq 'https') { return $true }
    $uri.Scheme -eq 'http' -and $uri.IsLoopback
}

function Open-RustSsoBrowser {
    # Opens the login URL: the command in AWS_TOOLS_RUSTSSO_BROWSER when set, else the system
    # browser (Windows: the URL handler; macOS: open; Linux: xdg-open).
    param([Parameter(Mandatory)] [string] $Url)
    $custom = $env:AWS_TOOLS_RUSTSSO_BROWSER
    if ($custom) {
        if ($custom -like '*.ps1') {
            $shell = (Get-Process -Id $PID).Path
            if ($PSVersionTable.PSEdition -eq 'Core') {
                $shell = Join-Path $PSHOME $(if ($script:SharedEnvironment) { 'pwsh.exe' } else { 'pwsh' })
                # pwsh installed as a .NET tool runs inside 'dotnet'; use the pwsh on PATH then.
                if (-not (Test-Path -LiteralPath $shell)) { $shell = (Get-Command pwsh -CommandType Application | Select-Object -First 1).Source }
            }
            & $shell -NoProfile -NonInteractive -File $custom $Url
        } else {
            & $custom $Url
        }
        return $true
    }
    # The URL comes from a server: open only https, or http on loopback, never a path or a program.
    if (-not (Test-RustSsoBrowserUrl -Url $Url)) { return $false }
    $ri = [System.Runtime.InteropServices.RuntimeInformation]
    $platform = [System.Runtime.InteropServices.OSPlatform]
    try {
        if ($ri::IsOSPlatform($platform::Windows)) { Start-Process -FilePath $Url; return $true }
        $opener = if ($ri::IsOSPlatform($platform::OSX)) { 'open' } else { 'xdg-open' }
        if (Get-Command $opener -CommandType Application -ErrorAction SilentlyContinue) {
            Start-Process -FilePath $opener -ArgumentList $Url; return $true
        }
    } catch { }
    $false
}

function Invoke-RustSsoRaw {
    # A native call that is not tied to a command's pipeline (cleanup in finally blocks).
    param([Parameter(Mandatory)] [string] $Operation, [Parameter(Mandatory)] [hashtable] $Parameters)
    $json = ConvertTo-Json -Compress -Depth 6 -InputObject @{ op = $Operation; params = $Parameters; env = Get-RustSsoEnvironment }
    [AWS.Tools.RustSSO.Interop.Native]::Call($json, $null)
}

function Invoke-AWSSSOLogin {
    <#
    .SYNOPSIS
    Logs in to AWS IAM Identity Center (SSO) for a profile or an sso-session, without the AWS CLI.

    .DESCRIPTION
    When the cached token is still valid, says so and does nothing (unless -Force); when it can
    be refreshed, refreshes it. Otherwise logs in: with the authorization code flow with PKCE
    (the default for sso-session profiles; a listener on 127.0.0.1 receives the browser's
    redirect) or with the device code flow (legacy profiles, or -UseDeviceCode). The token is
    written to the cache exactly as 'aws sso login' writes it, so either tool can use the other's
    login, and client registrations are shared with the AWS CLI too.

    A progress bar shows the time left; Ctrl+C cancels the login and leaves no partial cache
    file. Only one login per sso-session runs at a time, across processes: a second one waits
    and reuses the first one's token instead of opening another browser tab. In a session that
    is not interactive (no console input, a scheduled task, -NonInteractive) it never opens a
    browser or waits: it fails at once, unless -NoBrowser is given. Set AWS_TOOLS_RUSTSSO_BROWSER
    to a command (or .ps1 script) to open the URL with it instead of the system browser.

    .PARAMETER ProfileName
    The SSO profile to log in (default: AWS_PROFILE, then the default profile).

    .PARAMETER SessionName
    The [sso-session] to log in, instead of a profile.

    .PARAMETER ProfileLocation
    Reads the configuration from this file only.

    .PARAMETER UseDeviceCode
    Uses the device code flow even for an sso-session profile.

    .PARAMETER NoBrowser
    Prints the URL (and code) instead of opening a browser: for SSH sessions and remote desktops.

    .PARAMETER Force
    Logs in even when the cached token is still valid.

    .PARAMETER RedirectPort
    A fixed port for the 127.0.0.1 callback listener (for SSH tunnels); default: a random port.

    .PARAMETER TimeoutSec
    How long to wait for the login to be approved (default 600).

    .EXAMPLE
    Invoke-AWSSSOLogin -ProfileName dev

    Logs in for the profile dev in the system browser (or refreshes its token).

    .EXAMPLE
    Invoke-AWSSSOLogin -SessionName corp -UseDeviceCode -NoBrowser

    Prints a URL and a code to approve from any device.

    .OUTPUTS
    AWS.Tools.RustSSO.LoginResult
    #>
    [CmdletBinding(DefaultParameterSetName = 'Profile')]
    [OutputType('AWS.Tools.RustSSO.LoginResult')]
    param(
        [Parameter(ParameterSetName = 'Profile', Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Session', Mandatory = $true)]
        [string] $SessionName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [switch] $UseDeviceCode,
        [switch] $NoBrowser,
        [switch] $Force,
        [ValidateRange(1, 65535)]
        [int] $RedirectPort,
        [ValidateRange(5, 3600)]
        [int] $TimeoutSec = 600
    )
    process {
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters -Cmdlet $PSCmdlet
        foreach ($name in 'SessionName', 'UseDeviceCode', 'NoBrowser', 'Force', 'RedirectPort', 'TimeoutSec') { [void]$params.Remove($name) }
        $params.Remove('timeout_ms')
        if ($SessionName) { $params['session_name'] = $SessionName }
        $params['use_device_code'] = $UseDeviceCode.IsPresent
        $params['force'] = $Force.IsPresent
        $params['no_browser'] = $NoBrowser.IsPresent
        $params['interactive'] = (Test-RustSsoInteractive) -or [bool]$env:AWS_TOOLS_RUSTSSO_BROWSER
        $params['timeout_sec'] = $TimeoutSec
        if ($RedirectPort) { $params['redirect_port'] = $RedirectPort }
        $begin = Invoke-RustSsoOperation -Operation 'sso.login.begin' -Parameters $params -Cmdlet $PSCmdlet
        $result = [pscustomobject]@{
            PSTypeName = 'AWS.Tools.RustSSO.LoginResult'
            ProfileName = $begin.profile_name
            SsoSession  = $begin.sso_session
            StartUrl    = $begin.start_url
            State       = $begin.state
            Flow        = $begin.flow
            ExpiresAt   = ConvertTo-RustSsoDateTime $begin.expires_at
        }
        if ($begin.state -ne 'pending') {
            Write-Host $begin.message
            return $result
        }
        $loginId = $begin.login_id
        $completed = $false
        try {
            if ($begin.flow -eq 'device') {
                Write-Host ("To sign in, open {0} and enter the code {1}." -f $begin.verification_uri, $begin.user_code)
            } else {
                Write-Host 'To sign in, open this URL in a browser on this computer:'
                Write-Host $begin.url
            }
            if (-not $NoBrowser) {
                if (Open-RustSsoBrowser -Url $begin.url) { Write-Host 'A browser was opened for the login.' }
                else { Write-Warning 'No browser could be opened: open the URL above yourself.' }
            }
            $total = [math]::Max(1, [int]$begin.seconds_left)
            while ($true) {
                $state = Invoke-RustSsoOperation -Operation 'sso.login.wait' -Parameters @{ login_id = $loginId; wait_ms = 500 } -Cmdlet $PSCmdlet
                if ($state.state -eq 'complete') {
                    $completed = $true
                    $result.State = 'complete'
                    $result.ExpiresAt = ConvertTo-RustSsoDateTime $state.expires_at
                    break
                }
                $left = [int]$state.seconds_left
                Write-Progress -Activity 'AWS SSO login' -Status ('Waiting for the login to be approved ({0} s left)' -f $left) -SecondsRemaining $left -PercentComplete ([math]::Min(100, [math]::Max(0, 100 * ($total - $left) / $total)))
            }
        } finally {
            Write-Progress -Activity 'AWS SSO login' -Completed
            if (-not $completed) { [void](Invoke-RustSsoRaw -Operation 'sso.login.cancel' -Parameters @{ login_id = $loginId }) }
        }
        Write-Host ("Logged in; the SSO token is valid until {0}." -f $result.ExpiresAt)
        $result
    }
}

function Invoke-AWSSSOLogout {
    <#
    .SYNOPSIS
    Logs out of AWS IAM Identity Center (SSO) and deletes the cached tokens.

    .DESCRIPTION
    For the profile's (or the sso-session's) cached token, or with -All for every cached token,
    calls the SSO portal's Logout API (errors ignored) and deletes the token file, and deletes
    the AWS CLI's cached SSO role credentials, as 'aws sso logout' does. Client registrations
    are kept. Supports -WhatIf and -Confirm.

    .PARAMETER ProfileName
    The SSO profile to log out.

    .PARAMETER SessionName
    The sso-session to log out.

    .PARAMETER All
    Logs out every cached SSO token, as 'aws sso logout' does.

    .PARAMETER ProfileLocation
    Reads the configuration from this file only.

    .EXAMPLE
    Invoke-AWSSSOLogout -ProfileName dev -WhatIf

    Shows which files would be deleted.

    .EXAMPLE
    Invoke-AWSSSOLogout -All

    Logs out of every SSO session.
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Profile')]
    param(
        [Parameter(ParameterSetName = 'Profile', Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Session', Mandatory = $true)]
        [string] $SessionName,
        [Parameter(ParameterSetName = 'All', Mandatory = $true)]
        [switch] $All,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation
    )
    process {
        $params = Get-RustSsoCommonParameter -Bound $PSBoundParameters -Cmdlet $PSCmdlet
        foreach ($name in 'SessionName', 'All') { [void]$params.Remove($name) }
        if ($SessionName) { $params['session_name'] = $SessionName }
        $params['all'] = $All.IsPresent
        $planned = @(Invoke-RustSsoOperation -Operation 'sso.logout.plan' -Parameters $params -Cmdlet $PSCmdlet)
        $approved = @($planned | Where-Object { $PSCmdlet.ShouldProcess($_.path, "Delete the $($_.description)") })
        if ($approved.Count -eq 0) { return }
        $removed = Invoke-RustSsoOperation -Operation 'sso.logout.apply' -Parameters @{ files = $approved } -Cmdlet $PSCmdlet
        foreach ($r in @($removed)) { Write-Verbose ("Deleted {0} ({1})." -f $r.path, $r.kind) }
    }
}

function Invoke-RustSsoConfigEdit {
    param([hashtable[]] $Sections, [string] $Path, [System.Management.Automation.PSCmdlet] $Cmdlet, [string] $What)
    $request = @{ sections = @($Sections | ForEach-Object { @{ header = $_.header; values = @($_.values) } }); dry_run = $true }
    if ($Path) { $request['path'] = Resolve-RustSsoPath -Path $Path -Cmdlet $Cmdlet }
    $plan = Invoke-RustSsoOperation -Operation 'config.edit' -Parameters $request -Cmdlet $Cmdlet
    if (-not $plan.changed) { Write-Verbose "$($plan.path) already holds $What."; return $plan }
    foreach ($line in @($plan.diff)) { Write-Verbose $line }
    if ($Cmdlet.ShouldProcess($plan.path, "Write $What ($(@($plan.diff) -join '; '))")) {
        $request['dry_run'] = $false
        return (Invoke-RustSsoOperation -Operation 'config.edit' -Parameters $request -Cmdlet $Cmdlet)
    }
    $plan
}

function Set-AWSSSOSessionConfiguration {
    <#
    .SYNOPSIS
    Writes an [sso-session] section to the shared AWS config file.

    .DESCRIPTION
    Adds the section, or updates its sso_start_url, sso_region and sso_registration_scopes,
    keeping every comment, every other line and the order of the file. The file is replaced
    atomically. Supports -WhatIf (shows the lines that would change) and -Confirm.

    .PARAMETER SessionName
    The name of the sso-session.

    .PARAMETER StartUrl
    The AWS access portal URL, e.g. https://my-sso-portal.awsapps.com/start.

    .PARAMETER SSORegion
    The region of IAM Identity Center.

    .PARAMETER RegistrationScopes
    The OAuth scopes to register with (default sso:account:access).

    .PARAMETER ProfileLocation
    The config file to edit (default: AWS_CONFIG_FILE, then ~/.aws/config).

    .EXAMPLE
    Set-AWSSSOSessionConfiguration -SessionName corp -StartUrl https://corp.awsapps.com/start -SSORegion eu-west-1

    Adds (or updates) [sso-session corp].
    #>
    [CmdletBinding(SupportsShouldProcess = $true)]
    param(
        [Parameter(Mandatory = $true, Position = 0)] [string] $SessionName,
        [Parameter(Mandatory = $true)] [string] $StartUrl,
        [Parameter(Mandatory = $true)] [string] $SSORegion,
        [string[]] $RegistrationScopes = @('sso:account:access'),
        [string] $ProfileLocation
    )
    $values = @(@('sso_start_url', $StartUrl), @('sso_region', $SSORegion), @('sso_registration_scopes', ($RegistrationScopes -join ',')))
    $null = Invoke-RustSsoConfigEdit -Sections @(@{ header = "sso-session $SessionName"; values = $values }) -Path $ProfileLocation -Cmdlet $PSCmdlet -What "[sso-session $SessionName]"
}

function Initialize-AWSSSOConfiguration {
    <#
    .SYNOPSIS
    Sets up an SSO profile end to end: session, login, account and role, profile.

    .DESCRIPTION
    Writes the [sso-session] section, logs in (see Invoke-AWSSSOLogin), then takes the account
    and role from -AccountId and -RoleName or, when they are missing, lists what the user may
    use and lets the user pick (one choice is taken without asking), and writes the profile.
    Supports -WhatIf and -Confirm for the file changes.

    .PARAMETER ProfileName
    The profile to write.

    .PARAMETER SessionName
    The sso-session to write and log in.

    .PARAMETER StartUrl
    The AWS access portal URL.

    .PARAMETER SSORegion
    The region of IAM Identity Center.

    .PARAMETER AccountId
    The account of the profile (asked for when missing).

    .PARAMETER RoleName
    The role of the profile (asked for when missing).

    .PARAMETER Region
    The default region of the profile.

    .PARAMETER RegistrationScopes
    The OAuth scopes to register with (default sso:account:access).

    .PARAMETER ProfileLocation
    The config file to edit (default: AWS_CONFIG_FILE, then ~/.aws/config).

    .PARAMETER UseDeviceCode
    Logs in with the device code flow.

    .PARAMETER NoBrowser
    Prints the login URL instead of opening a browser.

    .EXAMPLE
    Initialize-AWSSSOConfiguration -ProfileName dev -SessionName corp -StartUrl https://corp.awsapps.com/start -SSORegion eu-west-1 -Region eu-west-1

    Logs in and asks which account and role the profile dev should use.
    #>
    [CmdletBinding(SupportsShouldProcess = $true)]
    param(
        [Parameter(Mandatory = $true, Position = 0)] [string] $ProfileName,
        [Parameter(Mandatory = $true)] [string] $SessionName,
        [Parameter(Mandatory = $true)] [string] $StartUrl,
        [Parameter(Mandatory = $true)] [string] $SSORegion,
        [string] $AccountId,
        [string] $RoleName,
        [string] $Region,
        [string[]] $RegistrationScopes = @('sso:account:access'),
        [string] $ProfileLocation,
        [switch] $UseDeviceCode,
        [switch] $NoBrowser
    )
    Set-AWSSSOSessionConfiguration -SessionName $SessionName -StartUrl $StartUrl -SSORegion $SSORegion -RegistrationScopes $RegistrationScopes -ProfileLocation $ProfileLocation
    if ($WhatIfPreference) { return }
    $location = @{}
    if ($ProfileLocation) { $location['ProfileLocation'] = $ProfileLocation }
    $null = Invoke-AWSSSOLogin -SessionName $SessionName -UseDeviceCode:$UseDeviceCode -NoBrowser:$NoBrowser @location
    if (-not $AccountId -or -not $RoleName) {
        $interactive = Test-RustSsoInteractive
        $pick = {
            param($Items, $Label, $Describe)
            if (@($Items).Count -eq 1) { return @($Items)[0] }
            if (-not $interactive) {
                $PSCmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code 'ChoiceRequired' -Category InvalidArgument -Message "Several ${Label}s are available; pass -AccountId and -RoleName in a non-interactive session."))
            }
            for ($i = 0; $i -lt @($Items).Count; $i++) { Write-Host ('[{0}] {1}' -f ($i + 1), (& $Describe @($Items)[$i])) }
            $choice = 0
            while ($choice -lt 1 -or $choice -gt @($Items).Count) {
                [void][int]::TryParse((Read-Host "Choose the $Label (1-$(@($Items).Count))"), [ref]$choice)
            }
            @($Items)[$choice - 1]
        }
        # Listed with the session's own token: nothing is written to the config until all is known.
        $listing = @{ session_name = $SessionName; auth = @{} }
        if ($ProfileLocation) { $listing.auth['profile_location'] = $ProfileLocation }
        if (-not $AccountId) {
            $accounts = @(Invoke-RustSsoOperation -Operation 'sso.list_accounts' -Parameters $listing.Clone() -Cmdlet $PSCmdlet).accounts
            if ($accounts.Count -eq 0) { $PSCmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code 'NoAccounts' -Category ObjectNotFound -Message 'The SSO user has no account assignments.')) }
            $AccountId = (& $pick $accounts 'account' { param($a) '{0} {1} ({2})' -f $a.account_id, $a.account_name, $a.email_address }).account_id
        }
        if (-not $RoleName) {
            $listing['account_id'] = $AccountId
            $roles = @(Invoke-RustSsoOperation -Operation 'sso.list_account_roles' -Parameters $listing.Clone() -Cmdlet $PSCmdlet).roles
            if ($roles.Count -eq 0) { $PSCmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code 'NoRoles' -Category ObjectNotFound -Message "The SSO user has no role in account $AccountId.")) }
            $RoleName = (& $pick $roles 'role' { param($r) $r.role_name }).role_name
        }
    }
    $values = @(@('sso_session', $SessionName), @('sso_account_id', $AccountId), @('sso_role_name', $RoleName))
    if ($Region) { $values += , @('region', $Region) }
    $null = Invoke-RustSsoConfigEdit -Sections @(@{ header = "profile $ProfileName"; values = $values }) -Path $ProfileLocation -Cmdlet $PSCmdlet -What "[profile $ProfileName]"
    Get-AWSCredential -ListProfileDetail @location | Where-Object ProfileName -EQ $ProfileName
}

# Argument completion: profile names from the config files (re-read only when a file changed)
# and region names. No network call.
$script:ProfileNameCache = @{ Stamp = $null; Names = @() }
$script:RegionNames = @(
    'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
    'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ca-central-1', 'ca-west-1',
    'cn-north-1', 'cn-northwest-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
    'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1',
    'us-east-1', 'us-east-2', 'us-gov-east-1', 'us-gov-west-1', 'us-west-1', 'us-west-2')

function Get-RustSsoProfileNameForCompletion {
    $home_ = if ($env:USERPROFILE) { $env:USERPROFILE } else { $env:HOME }
    $files = @(
        $(if ($env:AWS_CONFIG_FILE) { $env:AWS_CONFIG_FILE } else { Join-Path $home_ '.aws/config' }),
        $(if ($env:AWS_SHARED_CREDENTIALS_FILE) { $env:AWS_SHARED_CREDENTIALS_FILE } else { Join-Path $home_ '.aws/credentials' }))
    $stamp = ($files | ForEach-Object { if (Test-Path -LiteralPath $_) { "$_|$((Get-Item -LiteralPath $_).LastWriteTimeUtc.Ticks)" } }) -join ';'
    if ($stamp -ne $script:ProfileNameCache.Stamp) {
        $request = ConvertTo-Json -Compress -Depth 4 -InputObject @{ op = 'config.list_profiles'; params = @{}; env = Get-RustSsoEnvironment }
        $json = [AWS.Tools.RustSSO.Interop.Native]::Call($request, $null)
        $names = @()
        if ($json.IsSuccess) { $names = @((ConvertFrom-Json -InputObject $json.Json @script:FromJson) | ForEach-Object { $_.profile_name }) }
        $script:ProfileNameCache = @{ Stamp = $stamp; Names = $names }
    }
    $script:ProfileNameCache.Names
}

$script:CompletedCommands = @('Get-S3Bucket', 'Get-STSCallerIdentity', 'Get-SSOAccountList', 'Get-SSOAccountRoleList',
    'Get-SSORoleCredential', 'Get-AWSCredential', 'Set-AWSCredential', 'Export-AWSCredential', 'Invoke-AWSSSOLogin',
    'Invoke-AWSSSOLogout', 'Initialize-AWSSSOConfiguration')
Register-ArgumentCompleter -CommandName $script:CompletedCommands -ParameterName ProfileName -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete)
    Get-RustSsoProfileNameForCompletion | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        New-Object System.Management.Automation.CompletionResult -ArgumentList $_, $_, 'ParameterValue', $_
    }
}
Register-ArgumentCompleter -CommandName ($script:CompletedCommands + 'Set-DefaultAWSRegion') -ParameterName Region -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete)
    $script:RegionNames | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        New-Object System.Management.Automation.CompletionResult -ArgumentList $_, $_, 'ParameterValue', $_
    }
}

Export-ModuleMember -Function @(
    'Get-S3Bucket', 'Get-STSCallerIdentity', 'Get-SSOAccountList', 'Get-SSOAccountRoleList', 'Get-SSORoleCredential',
    'Get-AWSCredential', 'Set-AWSCredential', 'Clear-AWSCredential',
    'Set-DefaultAWSRegion', 'Get-DefaultAWSRegion', 'Clear-DefaultAWSRegion', 'Export-AWSCredential',
    'Invoke-AWSSSOLogin', 'Invoke-AWSSSOLogout', 'Set-AWSSSOSessionConfiguration', 'Initialize-AWSSSOConfiguration')
