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
    Credentials from Get-AWSCredential (a profile, static keys, or an SSO account and role), or
    an SSORole from Get-SSOAccountRoleList; from the pipeline too. With an SSO account and role
    from the pipeline, every object written carries AccountId and RoleName, and a failure is a
    non-terminating error that names the account and role.

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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.RegionCompleter])]
        [string] $Region,
        [Alias('StoredCredentials', 'AWSProfileName')]
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
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
    process { [AWS.Tools.RustSSO.Interop.Commands]::GetS3Bucket($PSCmdlet, $PSBoundParameters) }
}
