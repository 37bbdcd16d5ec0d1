Export-ModuleMember -Function @(
    'Get-S3Bucket', 'Get-STSCallerIdentity', 'Get-SSOAccountList', 'Get-SSOAccountRoleList', 'Get-SSORoleCredential',
    'Get-AWSCredential', 'Set-AWSCredential', 'Clear-AWSCredential',
    'Set-DefaultAWSRegion', 'Get-DefaultAWSRegion', 'Clear-DefaultAWSRegion', 'Set-AWSProxy', 'Clear-AWSProxy', 'Export-AWSCredential',
    'Invoke-AWSSSOLogin', 'Invoke-AWSSSOLogout', 'Set-AWSSSOSessionConfiguration', 'Initialize-AWSSSOConfiguration', 'Sync-AWSSSOProfile')
