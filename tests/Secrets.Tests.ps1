# No secret issued by the fake AWS appears in any of PowerShell's six output streams, in error
# records or in a transcript, across a workload that uses every command with -Verbose and -Debug,
# succeeding and failing. Credential export, whose purpose is to print secrets, is the one
# exception and is left out here.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1') -Force
    $script:Fake = Start-FakeAws
    $script:Sandbox = New-SsoSandbox -Fake $Fake -ProfileName 'scan' -SessionName 'scan-sso' -ExpiresIn 120
}

AfterAll {
    if ($script:Sandbox) { Remove-SsoSandbox -Sandbox $Sandbox }
    if ($script:Fake) { Stop-FakeAws -Fake $Fake }
}

Describe 'Secrets' {
    It 'never appear in output, error, warning, verbose, debug or information streams, errors or transcripts' {
        $transcript = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-scan-' + [guid]::NewGuid().ToString('n') + '.txt')
        $Error.Clear()
        Start-Transcript -LiteralPath $transcript | Out-Null
        $streams = Invoke-InSsoSandbox -Sandbox $Sandbox {
            $VerbosePreference = 'Continue'; $DebugPreference = 'Continue'; $InformationPreference = 'Continue'
            & {
                Get-S3Bucket -ProfileName scan -Verbose -Debug           # refreshes the token
                Get-STSCallerIdentity -ProfileName scan -Verbose -Debug
                Get-SSOAccountList -ProfileName scan -Verbose -Debug | Get-SSOAccountRoleList -ProfileName scan -Verbose -Debug
                Get-SSORoleCredential -ProfileName scan -Verbose -Debug | Out-String
                Get-SSORoleCredential -ProfileName scan | Format-List | Out-String
                Get-AWSCredential -ListProfileDetail | Out-String
                Set-AWSCredential -AccessKey AKIDEXAMPLESTATIC -SecretKey 'static-secret-key-example'
                Get-AWSCredential | Format-List * | Out-String
                Clear-AWSCredential
                try { Get-S3Bucket -AccessKey AKIDEXAMPLESTATIC -SecretKey 'not-the-secret-but-scanned' -EndpointUrl $Fake.Endpoint -Verbose -Debug } catch { $_ | Out-String; $_.Exception.ToString() }
                Invoke-FakeAws -Fake $Fake -Path '/_fake/sso/revoke' -Method POST -Body @{} | Out-Null
                try { Get-SSOAccountList -ProfileName scan -Verbose -Debug } catch { $_ | Format-List * -Force | Out-String }
                Write-Information 'workload finished'
            } *>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { ($_ | Format-List * -Force | Out-String) + $_.Exception.ToString() } else { $_ | Out-String } }
        }
        Stop-Transcript | Out-Null
        $captured = ($streams -join "`n") + ($Error | ForEach-Object { $_ | Format-List * -Force | Out-String }) + [System.IO.File]::ReadAllText($transcript)
        Remove-Item -LiteralPath $transcript -Force
        $captured | Should -Match 'Credentials obtained from'
        $secrets = @(Get-FakeAwsSecrets -Fake $Fake) + 'not-the-secret-but-scanned'
        $secrets.Count | Should -BeGreaterThan 5
        $found = @($secrets | Where-Object { $_.Length -ge 8 -and $captured.Contains($_) })
        Write-Host ("Secrets scanned: {0}; captured text: {1} characters; found: {2}" -f $secrets.Count, $captured.Length, $found.Count)
        $found | ForEach-Object { $_.Substring(0, 10) } | Should -BeNullOrEmpty
    }
}
