function Export-AWSCredential {
    <#
    .SYNOPSIS
    Prints the resolved credentials for other tools, in the AWS CLI's export-credentials formats.

    .DESCRIPTION
    Resolves credentials exactly as the other commands do and writes them in one of the formats
    of 'aws configure export-credentials': PowerShell ($Env: lines), Env (export lines),
    EnvNoExport, WindowsCmd (set lines), or Process (the credential_process JSON). This is the
    only command that writes secrets, because that is what it is for. Each value is quoted for its
    shell, and credentials whose values a real key id, secret, token or expiration cannot hold (a
    credential source that is not what it claims) are refused with InvalidCredentialValue, so the
    output is safe to pass to Invoke-Expression or eval. With Process it can serve
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
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [string] $ProfileName,
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Alias('RegionToCall')]
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.RegionCompleter])]
        [string] $Region,
        [Parameter(ValueFromPipeline = $true)]
        [AWS.Tools.RustSSO.AWSCredentials] $Credential,
        [ValidateRange(1, 3600)]
        [int] $TimeoutSec
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::ExportAWSCredential($PSCmdlet, $PSBoundParameters) }
}
