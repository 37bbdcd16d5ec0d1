# The PKCE login as a person sees it: headless Chromium, driven through ChromeDriver, is the
# browser. It loads the local fake's authorize page, follows the redirect to the module's loopback
# listener and renders the listener's answer, which the tests read back. Skipped, saying why, only
# where Chromium or ChromeDriver is not installed (./build.sh installs both on Debian and Ubuntu).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'browser/ChromeDriver.psm1') -Force

    function script:ConvertTo-UnixMs([datetime] $Utc) { [DateTimeOffset]::new($Utc.ToUniversalTime()).ToUnixTimeMilliseconds() }

    function script:Invoke-ChromiumLogin {
        # Runs Invoke-AWSSSOLogin (PKCE, the default) with a fresh headless Chromium window as the
        # browser, then reads what that window shows. Never throws for the login: the error, if
        # any, is in the result.
        param([Parameter(Mandatory)] [string] $ProfileName, [Parameter(Mandatory)] [string] $SessionName, [string] $Mode = 'open')
        $sandbox = New-SsoSandbox -Fake $Fake -ProfileName $ProfileName -SessionName $SessionName -NoToken
        try { $session = New-ChromiumSession -Driver $Driver } catch { Remove-SsoSandbox $sandbox; throw }
        if ($session.ProcessId) { $BrowserProcessIds.Add($session.ProcessId) }
        $run = [pscustomobject]@{
            Sandbox = $sandbox; Session = $session; RecordPath = Join-Path $sandbox.Home 'browser-record.json'
            Result = $null; Error = $null; Seconds = $null; Output = ''; Record = $null; Page = $null; PageError = $null
            TokenWrittenMs = $null
        }
        $environment = Get-ChromiumLauncherEnvironment -Session $session -RecordPath $run.RecordPath -Mode $Mode
        $saved = @{}
        foreach ($name in $environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            Set-TestEnvironmentVariable -Name $name -Value $environment[$name]
        }
        try {
            Invoke-InSsoSandbox -Sandbox $sandbox {
                $info = $null; $warnings = $null
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                try {
                    $run.Result = Invoke-AWSSSOLogin -ProfileName $ProfileName -TimeoutSec 15 -BrowserCommand (Get-ChromiumLauncherPath) -InformationVariable info -WarningVariable warnings 6>$null 3>$null
                } catch { $run.Error = $_ }
                $run.Seconds = $watch.Elapsed.TotalSeconds
                $run.Output = (@($info) + @($warnings) + @($run.Error) | Where-Object { $null -ne $_ } | ForEach-Object { "$_" }) -join "`n"
            }
        } finally {
            foreach ($name in $saved.Keys) { Set-TestEnvironmentVariable -Name $name -Value $saved[$name] }
        }
        if (Test-Path -LiteralPath $run.RecordPath) { $run.Record = Get-Content -Raw -LiteralPath $run.RecordPath | ConvertFrom-Json }
        if (Test-Path -LiteralPath $sandbox.TokenFile) { $run.TokenWrittenMs = ConvertTo-UnixMs ([System.IO.File]::GetLastWriteTimeUtc($sandbox.TokenFile)) }
        if ($run.Record -and $run.Record.port) {
            try { $run.Page = Wait-ChromiumPage -Session $session -UrlPrefix "http://127.0.0.1:$($run.Record.port)/oauth/callback" -TimeoutSec 10 }
            catch { $run.PageError = $_.Exception.Message }
        } else { $run.PageError = 'The launcher recorded no listener port.' }
        $run
    }

    function script:Remove-ChromiumLogin($Run) {
        if (-not $Run) { return }
        Remove-ChromiumSession -Session $Run.Session
        Remove-SsoSandbox $Run.Sandbox
    }

    function script:Assert-NoSecret([string] $Text, [string] $Where) {
        # Every secret the fake issued (tokens, client secrets, authorization codes).
        foreach ($secret in Get-FakeAwsSecrets -Fake $Fake) { $Text.Contains($secret) | Should -BeFalse -Because "no secret may appear in $Where" }
    }

    $script:Chromium = Find-Chromium
    $script:SkipReason = $Chromium.Missing
    if ($SkipReason) { return }
    Import-Module (Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1') -Force
    $script:Fake = Start-FakeAws
    $script:Driver = Start-ChromeDriver -Path $Chromium.Driver -Browser $Chromium.Browser
    $script:BrowserProcessIds = [System.Collections.Generic.List[int]]::new()
}

AfterAll {
    try {
        if ($script:Driver) {
            Stop-ChromeDriver -Driver $Driver
            # Nothing the test started may outlive it.
            $left = @($BrowserProcessIds | ForEach-Object { Get-Process -Id $_ -ErrorAction SilentlyContinue } | Where-Object { $_.ProcessName -match 'chrom' })
            foreach ($process in $left) { try { $process.Kill($true) } catch { } }
            if (-not $Driver.Process.HasExited -or $left.Count -gt 0) { throw "ChromeDriver or Chromium was still running after the test (browser processes: $($left.Id -join ', '))." }
        }
    } finally {
        if ($script:Fake) { Stop-FakeAws -Fake $Fake }
    }
}

Describe 'PKCE login in headless Chromium' {
    BeforeEach { if ($SkipReason) { Set-ItResult -Skipped -Because $SkipReason } }

    Context 'approved' {
        BeforeAll {
            if ($SkipReason) { return }
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ outcome = 'approve'; override_state = $null; follow_redirect = $false } } | Out-Null
            $run = Invoke-ChromiumLogin -ProfileName 'web-dev' -SessionName 'corp-web'
        }
        AfterAll { Remove-ChromiumLogin $run }

        It 'logs in and writes the token' {
            $run.Error | Should -BeNullOrEmpty
            $run.Result.State | Should -Be 'complete'
            $token = Get-Content -Raw -LiteralPath $run.Sandbox.TokenFile | ConvertFrom-Json
            $token.accessToken | Should -Not -BeNullOrEmpty
        }

        It 'completes within a few seconds of the redirect to the listener' {
            $run.PageError | Should -BeNullOrEmpty
            $run.TokenWrittenMs | Should -Not -BeNullOrEmpty
            # From the browser's request for the callback (Navigation Timing) to the token file's
            # write time: a listener held up by a connection that sends nothing shows here.
            $delay = $run.TokenWrittenMs - $run.Page.RequestStartMs
            $delay | Should -BeLessThan 3000
            $delay | Should -BeGreaterThan -1000 -Because 'browser and file system share the clock'
            $run.Seconds | Should -BeLessThan 10 -Because 'the whole Invoke-AWSSSOLogin, launcher included, takes seconds'
        }

        It 'renders the success page at the loopback callback' {
            $run.PageError | Should -BeNullOrEmpty
            $run.Page.Url | Should -Match ('^http://127\.0\.0\.1:{0}/oauth/callback\?' -f $run.Record.port)
            $run.Page.ContentType | Should -Be 'text/html'
            $run.Page.Title | Should -BeExactly 'Login complete - AWS.Tools.RustSSO'
        }

        It 'tells the person what to do next and names the profile' {
            $run.PageError | Should -BeNullOrEmpty
            $run.Page.Text | Should -Match ([regex]::Escape('You can close this window'))
            $run.Page.Text | Should -Match '\b(web-dev|corp-web)\b'
        }

        It 'keeps secrets out of the page, the output and the launcher record' {
            $run.PageError | Should -BeNullOrEmpty
            Assert-NoSecret -Text $run.Page.Text -Where 'the page'
            Assert-NoSecret -Text $run.Output -Where 'the output'
            Assert-NoSecret -Text (Get-Content -Raw -LiteralPath $run.RecordPath) -Where 'the launcher record'
        }
    }

    Context 'denied' {
        BeforeAll {
            if ($SkipReason) { return }
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ outcome = 'deny' } } | Out-Null
            try { $run = Invoke-ChromiumLogin -ProfileName 'web-deny' -SessionName 'corp-deny' }
            finally { Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ outcome = 'approve' } } | Out-Null }
        }
        AfterAll { Remove-ChromiumLogin $run }

        It 'fails with LoginDenied and writes nothing' {
            $run.Error | Should -Not -BeNullOrEmpty
            $run.Error.FullyQualifiedErrorId | Should -Be 'LoginDenied,Invoke-AWSSSOLogin'
            $run.Sandbox.TokenFile | Should -Not -Exist
        }

        It 'renders the error page' {
            $run.PageError | Should -BeNullOrEmpty
            $run.Page.Url | Should -Match ('^http://127\.0\.0\.1:{0}/oauth/callback\?' -f $run.Record.port)
            $run.Page.ContentType | Should -Be 'text/html'
            $run.Page.Text | Should -Match 'not approved'
            $run.Page.Title | Should -BeExactly 'Login failed - AWS.Tools.RustSSO'
        }
    }

    Context 'a second tab with a wrong state, and a favicon request' {
        BeforeAll {
            if ($SkipReason) { return }
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ outcome = 'approve'; override_state = $null } } | Out-Null
            $run = Invoke-ChromiumLogin -ProfileName 'web-tabs' -SessionName 'corp-tabs' -Mode 'second-tab'
        }
        AfterAll { Remove-ChromiumLogin $run }

        It 'answers /favicon.ico with 404' {
            $run.Record.error | Should -BeNullOrEmpty
            $run.Record.favicon_status | Should -Be 404
        }

        It 'shows the second tab an error page' {
            $run.Record.error | Should -BeNullOrEmpty
            $tab = $run.Record.second_tab
            $tab | Should -Not -BeNullOrEmpty
            $tab.error | Should -BeNullOrEmpty
            $tab.url | Should -Be "http://127.0.0.1:$($run.Record.port)/oauth/callback"
            $tab.content_type | Should -Be 'text/html'
            $tab.text | Should -Match 'did not match'
            $tab.title | Should -BeExactly 'Login failed - AWS.Tools.RustSSO'
        }

        It 'still completes the login in the first tab' {
            $run.Error | Should -BeNullOrEmpty
            $run.Result.State | Should -Be 'complete'
            (Get-Content -Raw -LiteralPath $run.Sandbox.TokenFile | ConvertFrom-Json).accessToken | Should -Not -BeNullOrEmpty
            $run.PageError | Should -BeNullOrEmpty
            $run.Page.Url | Should -Match ('^http://127\.0\.0\.1:{0}/oauth/callback\?' -f $run.Record.port)
            $run.Page.Title | Should -BeExactly 'Login complete - AWS.Tools.RustSSO'
        }

        It 'keeps secrets out of the output and the launcher record' {
            Assert-NoSecret -Text $run.Output -Where 'the output'
            Assert-NoSecret -Text (Get-Content -Raw -LiteralPath $run.RecordPath) -Where 'the launcher record'
        }
    }
}
