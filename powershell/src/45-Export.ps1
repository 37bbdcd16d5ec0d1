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
