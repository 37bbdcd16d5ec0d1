@{
    RootModule           = 'AWS.Tools.RustSSO.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0c2b8e-3d47-4b8e-9a51-2c7d8e1f4a90'
    Author               = 'AWS.Tools.RustSSO contributors'
    CompanyName          = 'AWS.Tools.RustSSO'
    Copyright            = '(c) AWS.Tools.RustSSO contributors. Apache-2.0.'
    Description          = 'AWS IAM Identity Center (SSO) credentials, S3 and STS from PowerShell, backed by a native Rust library: fast import, CLI-compatible token cache, no AWSSDK .NET assemblies.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Core', 'Desktop')
    DotNetFrameworkVersion = '4.7.2'
    FormatsToProcess     = @('AWS.Tools.RustSSO.Format.ps1xml')
    FunctionsToExport    = @(
        'Get-S3Bucket', 'Get-STSCallerIdentity', 'Get-SSOAccountList', 'Get-SSOAccountRoleList', 'Get-SSORoleCredential',
        'Get-AWSCredential', 'Set-AWSCredential', 'Clear-AWSCredential',
        'Set-DefaultAWSRegion', 'Get-DefaultAWSRegion', 'Clear-DefaultAWSRegion', 'Set-AWSProxy', 'Clear-AWSProxy', 'Export-AWSCredential',
        'Invoke-AWSSSOLogin', 'Invoke-AWSSSOLogout', 'Set-AWSSSOSessionConfiguration', 'Initialize-AWSSSOConfiguration', 'Sync-AWSSSOProfile')
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    FileList             = @(
        'AWS.Tools.RustSSO.psd1',
        'AWS.Tools.RustSSO.psm1',
        'AWS.Tools.RustSSO.Format.ps1xml',
        'lib/AWS.Tools.RustSSO.Interop.dll',
        'en-US/about_AWS.Tools.RustSSO.help.txt',
        'en-US/AWS.Tools.RustSSO-help.xml'
    )
    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'SSO', 'IdentityCenter', 'S3', 'STS', 'cloud', 'Windows', 'Linux', 'MacOS', 'PSEdition_Core', 'PSEdition_Desktop')
            LicenseUri   = 'https://www.apache.org/licenses/LICENSE-2.0'
            ProjectUri   = 'https://github.com/aws-tools-rustsso/aws-tools-rustsso'
            ReleaseNotes = 'First release: Get-S3Bucket and Get-STSCallerIdentity over the native library.'
        }
    }
}
