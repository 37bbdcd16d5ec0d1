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
    Credentials from Get-AWSCredential (a profile, static keys, or an SSO account and role), or
    an SSORole from Get-SSOAccountRoleList; from the pipeline too. With an SSO account and role
    from the pipeline, every object written carries AccountId and RoleName, and a failure is a
    non-terminating error that names the account and role.

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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.RegionCompleter])]
        [string] $Region,
        [Parameter(ValueFromPipelineByPropertyName = $true)]
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
    process { [AWS.Tools.RustSSO.Interop.Commands]::GetSTSCallerIdentity($PSCmdlet, $PSBoundParameters) }
}
