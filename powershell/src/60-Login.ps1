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
    browser or waits: it fails at once, unless -NoBrowser or -BrowserCommand is given. Set
    AWS_TOOLS_RUSTSSO_BROWSER to a command (or .ps1 script) to open the URL with it instead of the
    system browser in interactive sessions. A login URL with spaces, quotes, backslashes or control
    characters is never opened.

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

    .PARAMETER BrowserCommand
    A command (or .ps1 script) that opens the login URL, given as its one argument, instead of the
    system browser or AWS_TOOLS_RUSTSSO_BROWSER. Given here, it is used in a session that is not
    interactive too: for a headless browser that completes the login. It is waited for up to
    30 seconds; the login then goes on without it.

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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Session', Mandatory = $true)]
        [string] $SessionName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [switch] $UseDeviceCode,
        [switch] $NoBrowser,
        [ValidateNotNullOrEmpty()]
        [string] $BrowserCommand,
        [switch] $Force,
        [ValidateRange(1, 65535)]
        [int] $RedirectPort,
        [ValidateRange(5, 3600)]
        [int] $TimeoutSec = 600
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::InvokeAWSSSOLogin($PSCmdlet, $PSBoundParameters) }
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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Session', Mandatory = $true)]
        [string] $SessionName,
        [Parameter(ParameterSetName = 'All', Mandatory = $true)]
        [switch] $All,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::InvokeAWSSSOLogout($PSCmdlet, $PSBoundParameters) }
}
