function Get-RustSsoProfileDetail {
    param([string] $ProfileLocation, [System.Management.Automation.PSCmdlet] $Cmdlet)
    $params = @{}
    if ($ProfileLocation) { $params['profile_location'] = Resolve-RustSsoPath -Path $ProfileLocation -Cmdlet $Cmdlet }
    @(Invoke-RustSsoOperation -Operation 'config.list_profiles' -Parameters $params -Cmdlet $Cmdlet)
}

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

    .PARAMETER ProfileName
    The profile to reference.

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

    .OUTPUTS
    AWS.Tools.RustSSO.AWSCredentials, AWS.Tools.RustSSO.ProfileDetail
    #>
    [CmdletBinding(DefaultParameterSetName = 'Stored')]
    [OutputType('AWS.Tools.RustSSO.AWSCredentials', 'AWS.Tools.RustSSO.ProfileDetail')]
    param(
        [Parameter(ParameterSetName = 'Profile', Mandatory = $true, Position = 0, ValueFromPipelineByPropertyName = $true)]
        [Alias('StoredCredentials', 'AWSProfileName')]
        [string] $ProfileName,
        [Parameter(ParameterSetName = 'Profile')]
        [Parameter(ParameterSetName = 'List')]
        [Alias('AWSProfilesLocation', 'ProfilesLocation')]
        [string] $ProfileLocation,
        [Parameter(ParameterSetName = 'List', Mandatory = $true)]
        [Alias('ListProfiles')]
        [switch] $ListProfileDetail
    )
    process {
        switch ($PSCmdlet.ParameterSetName) {
            'Stored' { $ExecutionContext.SessionState.PSVariable.GetValue('global:StoredAWSCredentials') }
            'List' {
                foreach ($p in (Get-RustSsoProfileDetail -ProfileLocation $ProfileLocation -Cmdlet $PSCmdlet)) {
                    [pscustomobject]@{
                        PSTypeName      = 'AWS.Tools.RustSSO.ProfileDetail'
                        ProfileName     = $p.profile_name
                        StoreTypeName   = 'SharedCredentialsFile'
                        ProfileLocation = $p.profile_location
                        Kind            = $p.kind
                        Region          = $p.region
                        SsoSession      = $p.sso_session
                        AccountId       = $p.account_id
                        RoleName        = $p.role_name
                        TokenStatus     = $p.token_status
                        TokenExpiresAt  = ConvertTo-RustSsoDateTime $p.token_expires_at
                        Problem         = $p.problem
                    }
                }
            }
            'Profile' {
                $known = Get-RustSsoProfileDetail -ProfileLocation $ProfileLocation -Cmdlet $PSCmdlet | Where-Object { $_.profile_name -ceq $ProfileName }
                if (-not $known) {
                    $PSCmdlet.ThrowTerminatingError((New-RustSsoErrorRecord -Code 'ProfileNotFound' -Category ObjectNotFound -Target $ProfileName -Message ("The profile '{0}' was not found in the AWS config or credentials file." -f $ProfileName)))
                }
                [AWS.Tools.RustSSO.AWSCredentials]::FromProfile($ProfileName, $ProfileLocation)
            }
        }
    }
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
    process {
        $value = switch ($PSCmdlet.ParameterSetName) {
            'Profile' { Get-AWSCredential -ProfileName $ProfileName -ProfileLocation $ProfileLocation -ErrorAction Stop }
            'Keys' { [AWS.Tools.RustSSO.AWSCredentials]::FromKeys($AccessKey, $SecretKey, $SessionToken) }
            'Credential' { $Credential }
        }
        Set-Variable -Name StoredAWSCredentials -Scope Global -Value $value
    }
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
    Remove-Variable -Name StoredAWSCredentials -Scope Global -ErrorAction SilentlyContinue
}
