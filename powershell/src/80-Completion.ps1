# Argument completion: profile names from the config files (re-read only when a file changed)
# and region names. No network call.
$script:ProfileNameCache = @{ Stamp = $null; Names = @() }
$script:RegionNames = @(
    'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
    'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ca-central-1', 'ca-west-1',
    'cn-north-1', 'cn-northwest-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2',
    'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1',
    'us-east-1', 'us-east-2', 'us-gov-east-1', 'us-gov-west-1', 'us-west-1', 'us-west-2')

function Get-RustSsoProfileNameForCompletion {
    $home_ = if ($env:USERPROFILE) { $env:USERPROFILE } else { $env:HOME }
    $files = @(
        $(if ($env:AWS_CONFIG_FILE) { $env:AWS_CONFIG_FILE } else { Join-Path $home_ '.aws/config' }),
        $(if ($env:AWS_SHARED_CREDENTIALS_FILE) { $env:AWS_SHARED_CREDENTIALS_FILE } else { Join-Path $home_ '.aws/credentials' }))
    $stamp = ($files | ForEach-Object { if (Test-Path -LiteralPath $_) { "$_|$((Get-Item -LiteralPath $_).LastWriteTimeUtc.Ticks)" } }) -join ';'
    if ($stamp -ne $script:ProfileNameCache.Stamp) {
        $request = ConvertTo-Json -Compress -Depth 4 -InputObject @{ op = 'config.list_profiles'; params = @{}; env = Get-RustSsoEnvironment }
        $json = [AWS.Tools.RustSSO.Interop.Native]::Call($request, $null)
        $names = @()
        if ($json.IsSuccess) { $names = @((ConvertFrom-Json -InputObject $json.Json @script:FromJson) | ForEach-Object { $_.profile_name }) }
        $script:ProfileNameCache = @{ Stamp = $stamp; Names = $names }
    }
    $script:ProfileNameCache.Names
}

$script:CompletedCommands = @('Get-S3Bucket', 'Get-STSCallerIdentity', 'Get-SSOAccountList', 'Get-SSOAccountRoleList',
    'Get-SSORoleCredential', 'Get-AWSCredential', 'Set-AWSCredential', 'Export-AWSCredential', 'Invoke-AWSSSOLogin',
    'Invoke-AWSSSOLogout', 'Initialize-AWSSSOConfiguration')
Register-ArgumentCompleter -CommandName $script:CompletedCommands -ParameterName ProfileName -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete)
    Get-RustSsoProfileNameForCompletion | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        New-Object System.Management.Automation.CompletionResult -ArgumentList $_, $_, 'ParameterValue', $_
    }
}
Register-ArgumentCompleter -CommandName ($script:CompletedCommands + 'Set-DefaultAWSRegion') -ParameterName Region -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete)
    $script:RegionNames | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
        New-Object System.Management.Automation.CompletionResult -ArgumentList $_, $_, 'ParameterValue', $_
    }
}
