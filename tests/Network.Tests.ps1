# Corporate networks from PowerShell: the proxy and CA bundle set in the session ($env:) reach
# the native library, on the real AWS host names (no endpoint overrides), through the fake's
# intercepting proxy; -Debug names the proxy and the trust source, never credentials.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1') -Force
    $script:Fake = Start-FakeAws -ProxyMode intercept
    $script:Sandbox = New-SsoSandbox -Fake $Fake -ProfileName 'corp-dev' -SessionName 'corp'
}

AfterAll {
    Remove-SsoSandbox $Sandbox
    Stop-FakeAws $Fake
    Remove-Item -LiteralPath $Fake.ProxyCaFile -ErrorAction SilentlyContinue
}

Describe 'Proxy and private CA set in the session' {
    It 'reaches the real host names through $env:HTTPS_PROXY with $env:AWS_CA_BUNDLE, and says so under -Debug' {
        Invoke-InSsoSandbox -Sandbox $Sandbox {
            Remove-Item Env:AWS_ENDPOINT_URL
            $env:HTTPS_PROXY = $Fake.ProxyUrl
            $env:AWS_CA_BUNDLE = $Fake.ProxyCaFile
            try {
                $debug = $null
                $who = Get-STSCallerIdentity -ProfileName corp-dev -Debug 5>&1 4>$null 3>$null 6>$null | Tee-Object -Variable debug | Where-Object { $_ -isnot [System.Management.Automation.DebugRecord] }
                $who.Account | Should -Be '111122223333'
                $lines = @($debug | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message)
                ($lines -join "`n") | Should -Match ([regex]::Escape("Network: proxy $($Fake.ProxyUrl -replace '^http://', '') (from HTTPS_PROXY)"))
                ($lines -join "`n") | Should -Match 'AWS_CA_BUNDLE'
            } finally {
                Remove-Item Env:HTTPS_PROXY, Env:AWS_CA_BUNDLE -ErrorAction SilentlyContinue
            }
        }
    }

    It 'fails with SecurityError naming the host when the proxy''s CA is not trusted' {
        Invoke-InSsoSandbox -Sandbox $Sandbox {
            Remove-Item Env:AWS_ENDPOINT_URL
            $env:HTTPS_PROXY = $Fake.ProxyUrl
            try {
                $err = $null
                try { Get-S3Bucket -ProfileName corp-dev -MaxAttempt 1 } catch { $err = $_ }
                $err | Should -Not -BeNullOrEmpty
                $err.FullyQualifiedErrorId | Should -Be 'CertificateNotTrusted,Get-S3Bucket'
                $err.CategoryInfo.Category | Should -Be 'SecurityError'
                $err.Exception.Message | Should -Match 'amazonaws\.com'
                $err.Exception.Message | Should -Match 'AWS_CA_BUNDLE'
            } finally {
                Remove-Item Env:HTTPS_PROXY -ErrorAction SilentlyContinue
            }
        }
    }

    It 'names a CA bundle that cannot be used before any call' {
        Invoke-InSsoSandbox -Sandbox $Sandbox {
            $missing = Join-Path $Sandbox.Home 'no-such-ca.pem'
            $env:AWS_CA_BUNDLE = $missing
            try {
                $err = $null
                try { Get-STSCallerIdentity -AccessKey AKIDEXAMPLESTATIC -SecretKey static-secret-key-example } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -Be 'CaBundleUnusable,Get-STSCallerIdentity'
                $err.Exception.Message | Should -Match ([regex]::Escape($missing))
            } finally {
                Remove-Item Env:AWS_CA_BUNDLE -ErrorAction SilentlyContinue
            }
        }
    }
}

Describe 'Set-AWSProxy and Clear-AWSProxy' {
    BeforeAll {
        $script:AuthFake = Start-FakeAws -ProxyMode intercept -ProxyCredentials 'corp-user:pr0xy-Pa55'
        $script:AuthSandbox = New-SsoSandbox -Fake $AuthFake -ProfileName 'corp-dev' -SessionName 'corp'
        $script:ProxyPort = ([uri]$AuthFake.ProxyUrl).Port
    }
    AfterAll {
        Clear-AWSProxy
        Remove-SsoSandbox $AuthSandbox
        Stop-FakeAws $AuthFake
        Remove-Item -LiteralPath $AuthFake.ProxyCaFile -ErrorAction SilentlyContinue
    }

    It 'sends the calls through the shell''s proxy with its credentials, before any proxy variable, and never shows the password' {
        Invoke-InSsoSandbox -Sandbox $AuthSandbox {
            Remove-Item Env:AWS_ENDPOINT_URL
            $env:AWS_CA_BUNDLE = $AuthFake.ProxyCaFile
            # A proxy variable that would fail: Set-AWSProxy wins over it.
            $env:HTTPS_PROXY = 'http://127.0.0.1:9'
            try {
                $password = ConvertTo-SecureString 'pr0xy-Pa55' -AsPlainText -Force
                Set-AWSProxy -Hostname 127.0.0.1 -Port $ProxyPort -Credential ([pscredential]::new('corp-user', $password))
                "$StoredAWSProxy" | Should -Be "http://127.0.0.1:$ProxyPort"
                $all = Get-STSCallerIdentity -ProfileName corp-dev -Debug -Verbose *>&1
                @($all | Where-Object { $_ -is [AWS.Tools.RustSSO.CallerIdentity] }).Count | Should -Be 1
                $text = ($all | Out-String) + ($StoredAWSProxy | Format-List * | Out-String)
                $text | Should -Match ([regex]::Escape("proxy 127.0.0.1:$ProxyPort (from Set-AWSProxy)"))
                $text | Should -Not -Match 'pr0xy-Pa55'

                # Wrong credentials: a 407, named as the proxy, with no credentials in the message.
                Set-AWSProxy -Hostname 127.0.0.1 -Port $ProxyPort -Username corp-user -Password 'wrong-Pa55'
                $err = $null
                try { Get-S3Bucket -AccessKey AKIDEXAMPLESTATIC -SecretKey static-secret-key-example -Region us-east-1 -MaxAttempt 1 } catch { $err = $_ }
                $err.FullyQualifiedErrorId | Should -Be 'ProxyError,Get-S3Bucket'
                $err.CategoryInfo.Category | Should -Be 'ConnectionError'
                $err.Exception.Message | Should -Match ([regex]::Escape("127.0.0.1:$ProxyPort"))
                $err.Exception.Message | Should -Match 'Set-AWSProxy'
                $err.Exception.Message | Should -Not -Match 'wrong-Pa55|corp-user'

                Clear-AWSProxy
                Get-Variable -Name StoredAWSProxy -Scope Global -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            } finally {
                Clear-AWSProxy
                Remove-Item Env:HTTPS_PROXY, Env:AWS_CA_BUNDLE -ErrorAction SilentlyContinue
            }
        }
    }
}
