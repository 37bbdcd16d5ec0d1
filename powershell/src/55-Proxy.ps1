function Set-AWSProxy {
    <#
    .SYNOPSIS
    Sets the proxy that this shell's commands use for AWS endpoints ($StoredAWSProxy).

    .DESCRIPTION
    As in AWS Tools for PowerShell: every later command of the shell reaches the AWS endpoints
    (SSO, OIDC, STS, S3) through this HTTP proxy, with a CONNECT tunnel for HTTPS. It wins over
    HTTPS_PROXY and the other proxy variables, which win over the system proxy (Windows: the
    Internet Options, PAC and WPAD settings). Credentials are sent as basic authentication and
    never shown: the password is kept as a SecureString, and -Debug names only the proxy's host
    and port. Clear-AWSProxy removes the setting.

    .PARAMETER Hostname
    The proxy server's host name or address.

    .PARAMETER Port
    The proxy server's port.

    .PARAMETER Username
    A user name for the proxy (basic authentication). -Credential is the safer way to give one.

    .PARAMETER Password
    The password for -Username, as plain text (as AWS Tools takes it). Prefer -Credential.

    .PARAMETER Credential
    The proxy's user name and password as a PSCredential (Get-Credential).

    .PARAMETER BypassList
    Hosts to reach without the proxy: host names, domain suffixes (corp.example.com matches
    every host under it) or addresses, as NO_PROXY takes them.

    .PARAMETER BypassOnLocal
    Reach localhost and the loopback addresses without the proxy.

    .EXAMPLE
    Set-AWSProxy -Hostname proxy.corp.example.com -Port 3128 -Credential (Get-Credential)

    Sends the shell's AWS calls through the company proxy, authenticating with the credential.

    .EXAMPLE
    Set-AWSProxy -Hostname 10.0.0.5 -Port 8080 -BypassList internal.example.com -BypassOnLocal

    Uses a proxy without authentication, except for hosts under internal.example.com and local ones.
    #>
    [CmdletBinding(DefaultParameterSetName = 'NoCredential')]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [ValidatePattern('^[A-Za-z0-9.\-:\[\]]+$')]
        [string] $Hostname,

        [Parameter(Mandatory = $true, Position = 1, ValueFromPipelineByPropertyName = $true)]
        [ValidateRange(1, 65535)]
        [int] $Port,

        [Parameter(ParameterSetName = 'UserAndPassword', Position = 2, ValueFromPipelineByPropertyName = $true)]
        [ValidateNotNullOrEmpty()]
        [string] $Username,

        [Parameter(ParameterSetName = 'UserAndPassword', Position = 3, ValueFromPipelineByPropertyName = $true)]
        [string] $Password,

        [Parameter(ParameterSetName = 'Credential', ValueFromPipelineByPropertyName = $true)]
        [System.Management.Automation.PSCredential] $Credential,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [string[]] $BypassList,

        [Parameter(ValueFromPipelineByPropertyName = $true)]
        [switch] $BypassOnLocal
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::SetAWSProxy($PSCmdlet, $PSBoundParameters) }
}

function Clear-AWSProxy {
    <#
    .SYNOPSIS
    Clears the proxy set with Set-AWSProxy.

    .DESCRIPTION
    Later commands of the shell take the proxy from the environment (HTTPS_PROXY and the other
    proxy variables) again, or on Windows from the system settings, or use none.

    .EXAMPLE
    Clear-AWSProxy

    Forgets the shell's proxy.
    #>
    [CmdletBinding()]
    param()
    [AWS.Tools.RustSSO.Interop.Commands]::ClearAWSProxy($PSCmdlet, $PSBoundParameters)
}
