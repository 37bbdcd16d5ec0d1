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
