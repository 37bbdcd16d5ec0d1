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
