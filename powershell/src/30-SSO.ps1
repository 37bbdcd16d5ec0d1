function Get-SSOAccountList {
    <#
    .SYNOPSIS
    Lists the AWS accounts the SSO user of a profile may use.

    .DESCRIPTION
    Calls the IAM Identity Center portal's ListAccounts with the cached SSO token of the profile
    (refreshed when needed; never a login) and writes one object per account, page by page.

    .PARAMETER ProfileName
    The SSO profile whose token is used (default: AWS_PROFILE, then the default profile). A profile
    with only sso_session (no account or role) is enough.

    .PARAMETER SessionName
    Uses the token of this sso-session directly, without any profile (as 'aws sso ... --sso-session').

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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [string] $ProfileName,
        [string] $SessionName,
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
    process { [AWS.Tools.RustSSO.Interop.Commands]::GetSSOAccountList($PSCmdlet, $PSBoundParameters) }
}

function Get-SSOAccountRoleList {
    <#
    .SYNOPSIS
    Lists the roles the SSO user of a profile may assume in an account.

    .DESCRIPTION
    Calls the IAM Identity Center portal's ListAccountRoles with the cached SSO token of the
    profile. Without -AccountId, the profile's own sso_account_id is used. Accepts the output of
    Get-SSOAccountList from the pipeline.

    Each role written (AWS.Tools.RustSSO.SSORole) is also an SSO role credential for that account
    and role with the same token: piped into a service command (Get-S3Bucket,
    Get-STSCallerIdentity) it binds to -Credential, and the command runs in that account.

    .PARAMETER AccountId
    The account whose roles to list.

    .PARAMETER ProfileName
    The SSO profile whose token is used.

    .PARAMETER SessionName
    Uses the token of this sso-session directly, without any profile (as 'aws sso ... --sso-session').

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

    .EXAMPLE
    Get-SSOAccountList -ProfileName dev | Get-SSOAccountRoleList -ProfileName dev | Where-Object RoleName -eq ReadOnly | Get-S3Bucket

    Lists the buckets of every account where the user has the role ReadOnly; each bucket carries
    AccountId and RoleName.

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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [string] $ProfileName,
        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string] $SessionName,
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
    process { [AWS.Tools.RustSSO.Interop.Commands]::GetSSOAccountRoleList($PSCmdlet, $PSBoundParameters) }
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

    .PARAMETER SessionName
    Uses the token of this sso-session directly, without any profile; -AccountId and -RoleName
    are then required.

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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [string] $ProfileName,
        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string] $SessionName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::GetSSORoleCredential($PSCmdlet, $PSBoundParameters) }
}
