function Set-DefaultAWSRegion {
    <#
    .SYNOPSIS
    Sets the shell's default region ($StoredAWSRegion).

    .DESCRIPTION
    Commands given no -Region use this region before the environment and the profile's region.

    .PARAMETER Region
    The region, for example eu-west-1.

    .EXAMPLE
    Set-DefaultAWSRegion -Region eu-west-1

    Makes eu-west-1 the default region of this shell.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory = $true, Position = 0, ValueFromPipeline = $true, ValueFromPipelineByPropertyName = $true)]
        [ValidatePattern('^[a-z]{2}(-[a-z]+)+-\d+$')]
        [ArgumentCompleter([AWS.Tools.RustSSO.Interop.RegionCompleter])]
        [string] $Region
    )
    process { [AWS.Tools.RustSSO.Interop.Commands]::SetDefaultAWSRegion($PSCmdlet, $PSBoundParameters) }
}

function Get-DefaultAWSRegion {
    <#
    .SYNOPSIS
    Gets the shell's default region ($StoredAWSRegion).

    .DESCRIPTION
    Returns the region set with Set-DefaultAWSRegion, or nothing when none is set.

    .EXAMPLE
    Get-DefaultAWSRegion

    Shows the default region of this shell.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param()
    [AWS.Tools.RustSSO.Interop.Commands]::GetDefaultAWSRegion($PSCmdlet, $PSBoundParameters)
}

function Clear-DefaultAWSRegion {
    <#
    .SYNOPSIS
    Clears the shell's default region ($StoredAWSRegion).

    .DESCRIPTION
    Commands then take the region from the environment or the profile again.

    .EXAMPLE
    Clear-DefaultAWSRegion

    Forgets the region set with Set-DefaultAWSRegion.
    #>
    [CmdletBinding()]
    param()
    [AWS.Tools.RustSSO.Interop.Commands]::ClearDefaultAWSRegion($PSCmdlet, $PSBoundParameters)
}
