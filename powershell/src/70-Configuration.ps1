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
    process { [AWS.Tools.RustSSO.Interop.Commands]::SetAWSSSOSessionConfiguration($PSCmdlet, $PSBoundParameters) }
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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [Parameter(Mandatory = $true, Position = 0)] [string] $ProfileName,
        [Parameter(Mandatory = $true)] [string] $SessionName,
        [Parameter(Mandatory = $true)] [string] $StartUrl,
        [Parameter(Mandatory = $true)] [string] $SSORegion,
        [string] $AccountId,
        [string] $RoleName,
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.RegionCompleter])]
        [string] $Region,
        [string[]] $RegistrationScopes = @('sso:account:access'),
        [string] $ProfileLocation,
        [switch] $UseDeviceCode,
        [switch] $NoBrowser
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::InitializeAWSSSOConfiguration($PSCmdlet, $PSBoundParameters) }
}

function Sync-AWSSSOProfile {
    <#
    .SYNOPSIS
    Writes one profile per account and role that an sso-session can use.

    .DESCRIPTION
    Lists every account the SSO user is assigned to, and every role in each, with the cached
    token of the sso-session (it never logs in: run Invoke-AWSSSOLogin -SessionName first), and
    writes one [profile ...] per account and role into the config file: sso_session,
    sso_account_id, sso_role_name and, with -Region, region. The AWS CLI and every SDK can use
    the profiles at once.

    The file is edited in place as Set-AWSSSOSessionConfiguration edits it: comments, order and
    every other line stay as they are, and the file is replaced atomically under a writer lock
    (a concurrent edit by the AWS CLI is detected and kept). Every profile it writes carries the
    key aws_tools_rustsso_sync = <session>, so that a rerun updates it in place; a profile that
    does not carry that mark is never changed, even when its name matches (a warning says so).
    With -Prune, marked profiles of this session that no longer match an assignment are removed.
    Supports -WhatIf and -Confirm (one question per profile written or removed).

    .PARAMETER SessionName
    The [sso-session] whose accounts and roles to write, and whose token the profiles use.

    .PARAMETER NameFormat
    The profile name: {AccountName}, {AccountId}, {RoleName} and {SessionName} are replaced,
    then every run of characters other than letters, digits and _ . @ + - becomes one '-'.
    Default: {AccountName}.{RoleName} (the account id when an account has no name).

    .PARAMETER Region
    The region of the written profiles.

    .PARAMETER Prune
    Removes the profiles this command wrote earlier for the session that no longer match an
    account and role.

    .PARAMETER PassThru
    Writes the details of every profile of the session's assignments after the run.

    .PARAMETER ProfileLocation
    The config file to edit (default: AWS_CONFIG_FILE, then ~/.aws/config).

    .EXAMPLE
    Sync-AWSSSOProfile -SessionName corp -Region eu-west-1 -WhatIf

    Shows which profiles would be written, one line per profile.

    .EXAMPLE
    Sync-AWSSSOProfile -SessionName corp -NameFormat 'corp-{AccountId}-{RoleName}' -Prune -PassThru

    Writes corp-111122223333-ReadOnly and the like, removes those no longer assigned, and lists
    the profiles.

    .OUTPUTS
    AWS.Tools.RustSSO.ProfileDetail
    #>
    [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium')]
    [OutputType('AWS.Tools.RustSSO.ProfileDetail')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [string] $SessionName,
        [string] $NameFormat = '{AccountName}.{RoleName}',
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.RegionCompleter])]
        [string] $Region,
        [switch] $Prune,
        [switch] $PassThru,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::SyncAWSSSOProfile($PSCmdlet, $PSBoundParameters) }
}
