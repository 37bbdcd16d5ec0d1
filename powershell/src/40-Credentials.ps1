function Get-AWSCredential {
    <#
    .SYNOPSIS
    Gets a credentials reference for a profile, or lists the profiles.

    .DESCRIPTION
    With -ProfileName, returns a credentials object for that profile, to pass to -Credential or
    Set-AWSCredential; a profile that does not exist is an error. With -ListProfileDetail, lists
    every profile of the shared config and credentials files: ProfileName, StoreTypeName and
    ProfileLocation as AWS Tools does, plus the kind of profile and, for SSO profiles, the
    session, account, role and the state and expiry of the cached token. Without parameters,
    returns the shell's stored credentials ($StoredAWSCredentials). Makes no network call.

    With -AccountId and -RoleName (and -ProfileName or -SessionName for the SSO token), returns
    an SSO role credential: it carries no keys, and every command given it as -Credential (or
    after Set-AWSCredential) runs as that role in that account, through the same role-credentials
    cache as profiles, so it refreshes on its own for as long as the SSO token is valid or can be
    refreshed. Get-SSOAccountRoleList writes such credentials too (SSORole objects), so its
    output can be piped straight into any service command.

    .PARAMETER ProfileName
    The profile to reference; with -AccountId and -RoleName, the SSO profile whose token is used.

    .PARAMETER SessionName
    The sso-session whose token an SSO role credential uses (instead of a profile's).

    .PARAMETER AccountId
    The account of an SSO role credential.

    .PARAMETER RoleName
    The role (permission set) of an SSO role credential.

    .PARAMETER ProfileLocation
    Reads profiles from this file only.

    .PARAMETER ListProfileDetail
    Lists every profile with its details.

    .EXAMPLE
    Get-AWSCredential -ListProfileDetail

    Lists the profiles, with the SSO token state of SSO profiles.

    .EXAMPLE
    $cred = Get-AWSCredential -ProfileName dev; Get-S3Bucket -Credential $cred

    Uses the profile dev through a credentials object.

    .EXAMPLE
    Get-AWSCredential -ProfileName dev -AccountId 111122223333 -RoleName ReadOnly | Get-S3Bucket

    Lists the buckets of account 111122223333 as the role ReadOnly, with the SSO token of the profile dev.

    .OUTPUTS
    AWS.Tools.RustSSO.AWSCredentials, AWS.Tools.RustSSO.ProfileDetail
    #>
    [CmdletBinding(DefaultParameterSetName = 'Stored')]
    [OutputType('AWS.Tools.RustSSO.AWSCredentials', 'AWS.Tools.RustSSO.ProfileDetail')]
    param(
        [Parameter(ParameterSetName = 'Profile', Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Session', Mandatory = $true)]
        [string] $SessionName,
        [Parameter(ParameterSetName = 'Profile')]
        [Parameter(ParameterSetName = 'Session', Mandatory = $true)]
        [string] $AccountId,
        [Parameter(ParameterSetName = 'Profile')]
        [Parameter(ParameterSetName = 'Session', Mandatory = $true)]
        [string] $RoleName,
        [Parameter(ParameterSetName = 'Profile')]
        [Parameter(ParameterSetName = 'Session')]
        [Parameter(ParameterSetName = 'List')]
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Parameter(ParameterSetName = 'List', Mandatory = $true)]
        [Alias('ListProfiles')]
        [switch] $ListProfileDetail
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::GetAWSCredential($PSCmdlet, $PSBoundParameters) }
}

function Set-AWSCredential {
    <#
    .SYNOPSIS
    Sets the shell's default credentials ($StoredAWSCredentials).

    .DESCRIPTION
    Every command of this module that is given no credentials of its own uses these, as in AWS
    Tools for PowerShell. Pass a profile name, static keys, or a credentials object.

    .PARAMETER ProfileName
    The profile to use by default. It must exist.

    .PARAMETER ProfileLocation
    Reads the profile from this file only.

    .PARAMETER AccessKey
    The access key id of static credentials.

    .PARAMETER SecretKey
    The secret access key of static credentials.

    .PARAMETER SessionToken
    The session token of temporary static credentials.

    .PARAMETER Credential
    A credentials object from Get-AWSCredential.

    .EXAMPLE
    Set-AWSCredential -ProfileName dev; Get-S3Bucket

    Lists buckets with the profile dev, now the shell's default.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Profile')]
    param(
        [Parameter(ParameterSetName = 'Profile', Mandatory = $true, Position = 0)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.ProfileNameCompleter])]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Profile')]
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Parameter(ParameterSetName = 'Keys', Mandatory = $true)]
        [Alias('AK')]
        [string] $AccessKey,
        [Parameter(ParameterSetName = 'Keys', Mandatory = $true)]
        [Alias('SK', 'SecretAccessKey')]
        [string] $SecretKey,
        [Parameter(ParameterSetName = 'Keys')]
        [Alias('ST')]
        [string] $SessionToken,
        [Parameter(ParameterSetName = 'Credential', Mandatory = $true, ValueFromPipeline = $true)]
        [AWS.Tools.RustSSO.AWSCredentials] $Credential
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::SetAWSCredential($PSCmdlet, $PSBoundParameters) }
}

function Clear-AWSCredential {
    <#
    .SYNOPSIS
    Clears the shell's default credentials ($StoredAWSCredentials).

    .DESCRIPTION
    Commands then find credentials in the environment, AWS_PROFILE or the default profile again.

    .EXAMPLE
    Clear-AWSCredential

    Forgets the credentials set with Set-AWSCredential.
    #>
    [CmdletBinding()]
    param()
    [AWS.Tools.RustSSO.Interop.Commands]::ClearAWSCredential($PSCmdlet, $PSBoundParameters)
}
