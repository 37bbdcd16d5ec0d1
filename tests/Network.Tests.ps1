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
