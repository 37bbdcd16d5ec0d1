# Native login, logout and configuration against the local fake AWS, which plays the browser and
# the approver.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1') -Force
    $script:Fake = Start-FakeAws
    $script:Browser = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-browser-' + [guid]::NewGuid().ToString('n') + '.ps1')
    # The "browser": asks the fake to open the URL like a browser would, following the redirect to
    # the loopback callback, and keeps what the page said.
    Set-Content -LiteralPath $Browser -Value @'
param([string] $Url)
if ($env:RUSTSSO_TEST_BROWSER_DELAY_MS) { Start-Sleep -Milliseconds ([int]$env:RUSTSSO_TEST_BROWSER_DELAY_MS) }
$page = Invoke-RestMethod -Method Post -Uri "$env:RUSTSSO_TEST_FAKE_ENDPOINT/_fake/browser" -ContentType 'application/json' -Body (ConvertTo-Json @{ url = $Url })
if ($env:RUSTSSO_TEST_BROWSER_LOG) { ConvertTo-Json -InputObject $page -Depth 6 | Add-Content -LiteralPath $env:RUSTSSO_TEST_BROWSER_LOG }
'@
    function script:New-LoginSandbox([string] $Name, [switch] $Legacy) {
        $sandbox = New-SsoSandbox -Fake $Fake -ProfileName $Name -SessionName "$Name-sso" -NoToken
        if ($Legacy) {
            Set-Content -LiteralPath $sandbox.ConfigFile -Encoding ascii -Value "[profile $Name]`nsso_start_url = $($sandbox.StartUrl)`nsso_region = us-east-1`nsso_account_id = 111122223333`nsso_role_name = ReadOnly`n"
            $sandbox.TokenFile = Join-Path $sandbox.CacheDir ((Get-Sha1Hex $sandbox.StartUrl) + '.json')
        }
        $sandbox
    }
    function script:Set-Device([hashtable] $Flow) {
        $spec = @{ pending_polls = 0; slow_down_on_poll = $null; outcome = 'approve'; interval = 1; expires_in = 600 }
        foreach ($k in $Flow.Keys) { $spec[$k] = $Flow[$k] }
        Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ device_flow = $spec } | Out-Null
    }
    function script:Get-Streams([scriptblock] $Block) {
        $InformationPreference = 'Continue'
        $items = & $Block *>&1
        ($items | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_ | Format-List * -Force | Out-String } else { $_ | Out-String } }) -join "`n"
    }
}

AfterAll {
    Remove-Item -LiteralPath $Browser -Force -ErrorAction SilentlyContinue
    if ($script:Fake) { Stop-FakeAws -Fake $Fake }
}

Describe 'Device code login' {
    BeforeEach { Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null }

    It 'logs in after several authorization_pending polls and writes the token as the CLI does' {
        $sb = New-LoginSandbox 'dev1'
        try {
            Set-Device @{ pending_polls = 2 }
            Invoke-InSsoSandbox -Sandbox $sb {
                $text = Get-Streams { Invoke-AWSSSOLogin -ProfileName dev1 -UseDeviceCode -NoBrowser }
                $text | Should -Match 'enter the code [A-Z0-9]{4}-[A-Z0-9]{4}'
                $token = [System.IO.File]::ReadAllText($sb.TokenFile)
                $token | Should -Match '^\{"startUrl": "[^"]+", "region": "us-east-1", "accessToken": "[^"]+", "expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "clientId": "[^"]+", "clientSecret": "[^"]+", "registrationExpiresAt": "[^"]+Z", "refreshToken": "[^"]+"\}$'
                (Get-S3Bucket -ProfileName dev1 -Select '^ProfileName') | Should -Be 'dev1'
                foreach ($secret in Get-FakeAwsSecrets -Fake $Fake) { $text.Contains($secret) | Should -BeFalse }
            }
            Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:CreateToken:device_code' | Should -Be 3
            # The registration is cached under the CLI's key and reused by the next login.
            $key = Get-Sha1Hex ('{"region": "us-east-1", "scopes": ["sso:account:access"], "session_name": "dev1-sso", "startUrl": "' + $sb.StartUrl + '", "tool": "botocore"}')
            Join-Path $sb.CacheDir "$key.json" | Should -Exist
            Invoke-InSsoSandbox -Sandbox $sb { Invoke-AWSSSOLogin -ProfileName dev1 -UseDeviceCode -NoBrowser -Force 6>$null | Out-Null }
            Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:RegisterClient' | Should -Be 1
        } finally { Remove-SsoSandbox $sb }
    }

    It 'slows down on slow_down and still succeeds' {
        $sb = New-LoginSandbox 'dev2' -Legacy
        try {
            Set-Device @{ pending_polls = 1; slow_down_on_poll = 1 }
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            Invoke-InSsoSandbox -Sandbox $sb { (Invoke-AWSSSOLogin -ProfileName dev2 -NoBrowser 6>$null).State | Should -Be 'complete' }
            $watch.Elapsed.TotalSeconds | Should -BeGreaterThan 5
            $sb.TokenFile | Should -Exist
            $legacy = Get-Content -Raw $sb.TokenFile | ConvertFrom-Json
            $legacy.PSObject.Properties.Name | Should -Be @('startUrl', 'region', 'accessToken', 'expiresAt')
        } finally { Remove-SsoSandbox $sb }
    }

    It 'reports <Outcome> with <Code> and writes nothing' -ForEach @(
        @{ Outcome = 'expire'; Code = 'LoginExpired' }
        @{ Outcome = 'deny'; Code = 'LoginDenied' }
    ) {
        $sb = New-LoginSandbox "dev-$Outcome"
        try {
            Set-Device @{ outcome = $Outcome }
            Invoke-InSsoSandbox -Sandbox $sb {
                $record = $null
                try { Invoke-AWSSSOLogin -ProfileName "dev-$Outcome" -UseDeviceCode -NoBrowser 6>$null } catch { $record = $_ }
                $record.FullyQualifiedErrorId | Should -Be "$Code,Invoke-AWSSSOLogin"
            }
            $sb.TokenFile | Should -Not -Exist
        } finally { Remove-SsoSandbox $sb; Set-Device @{} }
    }

    It 'hands a verification URL with quotes or spaces to no browser command' {
        $sb = New-LoginSandbox 'dev-hostile'
        $log = Join-Path $sb.Home 'opened.log'
        $recorder = Join-Path $sb.Home 'recorder.ps1'
        Set-Content -LiteralPath $recorder -Value "Set-Content -LiteralPath '$log' -Value (`$args -join '|')"
        try {
            $uri = 'https://device.example.com/?user_code=ABCD\" --renderer-cmd-prefix=evil.exe "'
            Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method POST -Body @{
                operation = 'oidc:StartDeviceAuthorization'; times = 1
                body = (ConvertTo-Json -Compress -InputObject @{ deviceCode = 'hostile-device-code'; userCode = 'ABCD-EFGH'; verificationUri = 'https://device.example.com/'; verificationUriComplete = $uri; expiresIn = 600; interval = 1 })
            } | Out-Null
            Invoke-InSsoSandbox -Sandbox $sb {
                $warnings = $null
                try { Invoke-AWSSSOLogin -ProfileName dev-hostile -UseDeviceCode -TimeoutSec 5 -BrowserCommand $recorder -WarningVariable warnings 6>$null 3>$null } catch { }
                ($warnings -join "`n") | Should -Match 'not opened'
            }
            $log | Should -Not -Exist
        } finally {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method DELETE | Out-Null
            Remove-SsoSandbox $sb
        }
    }

    It 'says a valid token needs no login, and refreshes a refreshable one' {
        $sb = New-SsoSandbox -Fake $Fake -ProfileName 'fresh' -SessionName 'fresh-sso' -ExpiresIn 60
        try {
            Invoke-InSsoSandbox -Sandbox $sb {
                (Invoke-AWSSSOLogin -ProfileName fresh -NoBrowser 6>$null).State | Should -Be 'refreshed'
                $text = Get-Streams { Invoke-AWSSSOLogin -ProfileName fresh -NoBrowser }
                $text | Should -Match 're-authentication is not necessary'
            }
        } finally { Remove-SsoSandbox $sb }
    }
}

Describe 'Authorization code login with PKCE' {
    BeforeEach {
        Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null
        Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ outcome = 'approve'; override_state = $null } } | Out-Null
    }

    It 'follows the browser redirect to the loopback listener and caches the token' {
        $sb = New-LoginSandbox 'pk1'
        $log = Join-Path $sb.Home 'browser.log'
        try {
            $env:RUSTSSO_TEST_FAKE_ENDPOINT = $Fake.Endpoint; $env:RUSTSSO_TEST_BROWSER_LOG = $log
            Invoke-InSsoSandbox -Sandbox $sb {
                $text = Get-Streams { Invoke-AWSSSOLogin -ProfileName pk1 -BrowserCommand $Browser }
                $text | Should -Match '/authorize\?response_type=code&client_id=.*code_challenge_method=S256'
                $text | Should -Match 'valid until'
                foreach ($secret in Get-FakeAwsSecrets -Fake $Fake) { $text.Contains($secret) | Should -BeFalse }
            }
            Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:CreateToken:authorization_code' | Should -Be 1
            $sb.TokenFile | Should -Exist
            $page = Get-Content -Raw $log
            $page | Should -Match 'Login complete'
            foreach ($secret in Get-FakeAwsSecrets -Fake $Fake) { ($page -replace 'code=[^&"]+', '').Contains($secret) | Should -BeFalse }
            # botocore (the AWS CLI's library) uses the token with no new login.
            Invoke-InSsoSandbox -Sandbox $sb {
                $python = Get-PythonWithBoto3
                $key = & $python -c "import boto3; print(boto3.Session(profile_name='pk1').get_credentials().get_frozen_credentials().access_key)"
                $key | Should -Match '^ASIA'
            }
            Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:Authorize' | Should -Be 1
        } finally {
            Remove-Item env:RUSTSSO_TEST_BROWSER_LOG -ErrorAction SilentlyContinue
            Remove-SsoSandbox $sb
        }
    }

    It 'refuses a callback with the wrong state, keeps waiting for the right one, and writes nothing' {
        $sb = New-LoginSandbox 'pk2'
        try {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ override_state = 'forged-state' } } | Out-Null
            $env:RUSTSSO_TEST_FAKE_ENDPOINT = $Fake.Endpoint
            Invoke-InSsoSandbox -Sandbox $sb {
                $record = $null
                try { Invoke-AWSSSOLogin -ProfileName pk2 -TimeoutSec 5 -BrowserCommand $Browser 6>$null } catch { $record = $_ }
                # A foreign state gets a 400 page and cannot end the login; it runs out of time.
                $record.FullyQualifiedErrorId | Should -Be 'LoginExpired,Invoke-AWSSSOLogin'
            }
            $sb.TokenFile | Should -Not -Exist
            Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:CreateToken' | Should -Be 0
        } finally {
            Remove-SsoSandbox $sb
        }
    }

    It 'runs one authorization for two concurrent logins of one session' {
        $sb = New-LoginSandbox 'pk3'
        try {
            $environment = Get-SsoSandboxEnvironment -Sandbox $sb
            $environment['RUSTSSO_TEST_FAKE_ENDPOINT'] = $Fake.Endpoint
            $environment['RUSTSSO_TEST_BROWSER_DELAY_MS'] = '1500'
            $jobs = 1..2 | ForEach-Object {
                $ps = [powershell]::Create()
                [void]$ps.AddScript({
                        param($helpers, $environment, $script)
                        Import-Module $helpers
                        Invoke-ChildPwsh -Environment $environment -Script $script
                    }).AddArgument((Join-Path $PSScriptRoot 'TestHelpers.psm1')).AddArgument($environment).AddArgument("Import-Module AWS.Tools.RustSSO; (Invoke-AWSSSOLogin -ProfileName pk3 -BrowserCommand '$Browser' 6>`$null).State")
                [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
            }
            $results = $jobs | ForEach-Object { $_.PowerShell.EndInvoke($_.Handle); $_.PowerShell.Dispose() }
            foreach ($r in $results) { $r.ExitCode | Should -Be 0 -Because $r.StdErr }
            ($results.StdOut | ForEach-Object { $_.Trim() } | Sort-Object) -join ',' | Should -Be 'complete,valid'
            Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:Authorize' | Should -Be 1
        } finally { Remove-SsoSandbox $sb }
    }

    It 'cancels on Ctrl+C: the listener closes, nothing is written and the next login can start' {
        $sb = New-LoginSandbox 'pk5'
        $port = Get-FreeTcpPort
        try {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ outcome = 'ignore' } } | Out-Null
            $saved = @{}
            foreach ($name in (Get-SsoSandboxEnvironment -Sandbox $sb).Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
            $ps = [powershell]::Create()
            [void]$ps.AddScript({
                    param($module, $environment, $port)
                    foreach ($k in $environment.Keys) { if ($null -eq $environment[$k]) { Remove-Item "env:$k" -ErrorAction SilentlyContinue } else { Set-Item "env:$k" $environment[$k] } }
                    Import-Module $module
                    Invoke-AWSSSOLogin -ProfileName pk5 -NoBrowser -RedirectPort $port -TimeoutSec 120 6>$null
                }).AddArgument((Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1')).AddArgument((Get-SsoSandboxEnvironment -Sandbox $sb)).AddArgument($port)
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(15); $listening = $false
            while (-not $listening -and [DateTime]::UtcNow -lt $deadline) {
                $client = [System.Net.Sockets.TcpClient]::new()
                try { $client.Connect('127.0.0.1', $port); $listening = $true } catch { Start-Sleep -Milliseconds 100 } finally { $client.Dispose() }
            }
            $listening | Should -BeTrue
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
            Start-Sleep -Milliseconds 300
            $client = [System.Net.Sockets.TcpClient]::new()
            { $client.Connect('127.0.0.1', $port) } | Should -Throw -Because 'the listener closed'
            $client.Dispose()
            $sb.TokenFile | Should -Not -Exist
            @(Get-ChildItem -LiteralPath $sb.CacheDir -Filter '*.tmp' -Force).Count | Should -Be 0
            # The login lock was released: a new login starts at once (and finds the user never came).
            Invoke-InSsoSandbox -Sandbox $sb {
                $record = $null
                $t = [System.Diagnostics.Stopwatch]::StartNew()
                try { Invoke-AWSSSOLogin -ProfileName pk5 -NoBrowser -TimeoutSec 5 6>$null } catch { $record = $_ }
                $t.Elapsed.TotalSeconds | Should -BeLessThan 10
                $record.FullyQualifiedErrorId | Should -Be 'LoginExpired,Invoke-AWSSSOLogin'
            }
        } finally {
            $ps.Dispose()
            # The runspace shared this process's environment: put it back.
            foreach ($name in $saved.Keys) { Set-TestEnvironmentVariable -Name $name -Value $saved[$name] }
            Remove-SsoSandbox $sb
        }
    }

    It 'stops waiting for a browser command that does not return, and goes on with the login' {
        $sb = New-LoginSandbox 'pk6'
        $pidFile = Join-Path $sb.Home 'browser.pid'
        $slow = Join-Path $sb.Home 'slow-browser.ps1'
        # A browser that stays open, as a browser started without a running instance does.
        Set-Content -LiteralPath $slow -Value "param([string] `$Url)`nSet-Content -LiteralPath '$pidFile' -Value `$PID`nStart-Sleep -Seconds 120"
        try {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ outcome = 'ignore' } } | Out-Null
            Invoke-InSsoSandbox -Sandbox $sb {
                $record = $null; $warnings = $null
                $watch = [System.Diagnostics.Stopwatch]::StartNew()
                try { Invoke-AWSSSOLogin -ProfileName pk6 -TimeoutSec 5 -BrowserCommand $slow -WarningVariable warnings 6>$null 3>$null } catch { $record = $_ }
                $watch.Elapsed.TotalSeconds | Should -BeLessThan 20
                $record.FullyQualifiedErrorId | Should -Be 'LoginExpired,Invoke-AWSSSOLogin'
                ($warnings -join "`n") | Should -Match 'browser command .*has not finished'
            }
            $pidFile | Should -Exist
        } finally {
            if (Test-Path -LiteralPath $pidFile) { Stop-Process -Id ([int](Get-Content -LiteralPath $pidFile)) -ErrorAction SilentlyContinue }
            Remove-SsoSandbox $sb
        }
    }

    It 'listens on 127.0.0.1 only' {
        $sb = New-LoginSandbox 'pk4'
        $port = Get-FreeTcpPort
        try {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ authorize = @{ outcome = 'ignore' } } | Out-Null
            $environment = Get-SsoSandboxEnvironment -Sandbox $sb
            $ps = [powershell]::Create()
            [void]$ps.AddScript({
                    param($helpers, $environment, $port)
                    Import-Module $helpers
                    Invoke-ChildPwsh -Environment $environment -Script "`$ErrorActionPreference = 'Stop'; Import-Module AWS.Tools.RustSSO; Invoke-AWSSSOLogin -ProfileName pk4 -NoBrowser -RedirectPort $port -TimeoutSec 8" -TimeoutSeconds 30
                }).AddArgument((Join-Path $PSScriptRoot 'TestHelpers.psm1')).AddArgument($environment).AddArgument($port)
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(15); $reachable = $false
            while (-not $reachable -and [DateTime]::UtcNow -lt $deadline) {
                $client = [System.Net.Sockets.TcpClient]::new()
                try { $client.Connect('127.0.0.1', $port); $reachable = $true } catch { Start-Sleep -Milliseconds 200 } finally { $client.Dispose() }
            }
            $reachable | Should -BeTrue
            $addresses = @([System.Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces() | ForEach-Object { $_.GetIPProperties().UnicastAddresses } | ForEach-Object Address | Where-Object { -not [System.Net.IPAddress]::IsLoopback($_) -and $_.AddressFamily -eq 'InterNetwork' })
            $addresses += [System.Net.IPAddress]::Parse('127.0.0.2')
            foreach ($address in $addresses) {
                $client = [System.Net.Sockets.TcpClient]::new()
                { $client.Connect($address, $port) } | Should -Throw -Because "the listener must not answer on $address"
                $client.Dispose()
            }
            $result = $ps.EndInvoke($handle)
            $result.ExitCode | Should -Not -Be 0
            $sb.TokenFile | Should -Not -Exist
        } finally { $ps.Dispose(); Remove-SsoSandbox $sb }
    }
}

Describe 'Unattended sessions' {
    It 'fails within 2 s in a non-interactive pwsh with an ended session, launching nothing' {
        $sb = New-SsoSandbox -Fake $Fake -ProfileName 'job' -SessionName 'job-sso' -ExpiresIn -60
        $bin = Join-Path $sb.Home 'bin'
        New-Item -ItemType Directory -Path $bin | Out-Null
        $marker = Join-Path $sb.Home 'browser-was-opened'
        try {
            foreach ($name in 'xdg-open', 'open') {
                $file = Join-Path $bin $name
                Set-Content -LiteralPath $file -Value "#!/bin/sh`ntouch '$marker'`n"
                if ($PSVersionTable.PSEdition -eq 'Core' -and -not $IsWindows) { chmod +x $file }
            }
            Invoke-FakeAws -Fake $Fake -Path '/_fake/sso/revoke' -Method POST -Body @{ session_name = 'job-sso' } | Out-Null
            $environment = Get-SsoSandboxEnvironment -Sandbox $sb
            $environment['PATH'] = $bin + [System.IO.Path]::PathSeparator + $env:PATH
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $run = Invoke-ChildPwsh -Environment $environment -Script "`$ErrorActionPreference = 'Stop'; Import-Module AWS.Tools.RustSSO; `$t = [Diagnostics.Stopwatch]::StartNew(); try { Invoke-AWSSSOLogin -ProfileName job } finally { [Console]::Error.WriteLine('login took ' + `$t.ElapsedMilliseconds + ' ms') }"
            $watch.Stop()
            $run.ExitCode | Should -Not -Be 0
            [int]([regex]::Match($run.StdErr, 'login took (\d+) ms').Groups[1].Value) | Should -BeLessThan 2000
            $run.StdErr | Should -Match 'not interactive'
            $run.StdErr | Should -Match "Invoke-AWSSSOLogin -ProfileName job"
            $run.StdErr | Should -Match "aws sso login --sso-session job-sso"
            $marker | Should -Not -Exist
        } finally { Remove-SsoSandbox $sb }
    }

    It 'fails just as fast with AWS_TOOLS_RUSTSSO_BROWSER set, running no browser command' {
        $sb = New-SsoSandbox -Fake $Fake -ProfileName 'job2' -SessionName 'job2-sso' -ExpiresIn -60
        $marker = Join-Path $sb.Home 'browser-was-opened'
        $browserCommand = Join-Path $sb.Home 'browser.ps1'
        Set-Content -LiteralPath $browserCommand -Value "Set-Content -LiteralPath '$marker' -Value opened"
        try {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/sso/revoke' -Method POST -Body @{ session_name = 'job2-sso' } | Out-Null
            $environment = Get-SsoSandboxEnvironment -Sandbox $sb
            # A variable the user set for interactive logins says nothing about whether a person is there.
            $environment['AWS_TOOLS_RUSTSSO_BROWSER'] = $browserCommand
            $run = Invoke-ChildPwsh -Environment $environment -TimeoutSeconds 30 -Script "`$ErrorActionPreference = 'Stop'; Import-Module AWS.Tools.RustSSO; `$t = [Diagnostics.Stopwatch]::StartNew(); try { Invoke-AWSSSOLogin -ProfileName job2 } finally { [Console]::Error.WriteLine('login took ' + `$t.ElapsedMilliseconds + ' ms') }"
            $run.ExitCode | Should -Not -Be 0
            [int]([regex]::Match($run.StdErr, 'login took (\d+) ms').Groups[1].Value) | Should -BeLessThan 2000
            $run.StdErr | Should -Match 'not interactive'
            $marker | Should -Not -Exist
        } finally { Remove-SsoSandbox $sb }
    }
}

Describe 'Logout' {
    It 'removes exactly the files the CLI would, and nothing with -WhatIf' {
        $sb = New-SsoSandbox -Fake $Fake -ProfileName 'out' -SessionName 'out-sso'
        try {
            $cli = Join-Path $sb.Home '.aws/cli/cache'
            New-Item -ItemType Directory -Force -Path $cli | Out-Null
            Set-Content -LiteralPath (Join-Path $cli 'sso-role.json') -Value '{"ProviderType": "sso", "Credentials": {"AccessKeyId": "ASIAX"}}'
            Set-Content -LiteralPath (Join-Path $cli 'assume-role.json') -Value '{"ProviderType": "assume-role", "Credentials": {}}'
            $registration = Join-Path $sb.CacheDir 'registration.json'
            Set-Content -LiteralPath $registration -Value '{"clientId": "c", "clientSecret": "s", "expiresAt": "2099-01-01T00:00:00Z"}'
            $before = @(Get-ChildItem -Recurse -File $sb.Home | ForEach-Object FullName | Sort-Object)
            Invoke-InSsoSandbox -Sandbox $sb { Invoke-AWSSSOLogout -All -WhatIf }
            @(Get-ChildItem -Recurse -File $sb.Home | ForEach-Object FullName | Sort-Object) | Should -Be $before
            Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null
            Invoke-InSsoSandbox -Sandbox $sb { Invoke-AWSSSOLogout -All -Confirm:$false }
            $sb.TokenFile | Should -Not -Exist
            Join-Path $cli 'sso-role.json' | Should -Not -Exist
            Join-Path $cli 'assume-role.json' | Should -Exist
            $registration | Should -Exist
            Get-FakeAwsCounter -Fake $Fake -Operation 'sso:Logout' | Should -Be 1
        } finally { Remove-SsoSandbox $sb }
    }
}

Describe 'Configuration writers' {
    It 'changes only the intended lines of a file with comments, odd spacing and other sections' {
        $sb = New-SsoSandbox -Fake $Fake -NoToken
        try {
            $original = "# company settings`n[default]`nregion=us-east-1 ; trailing`n`n[profile legacy]`n   output =   json`n# keep me`n[sso-session corp]`nsso_start_url = https://old.awsapps.com/start`nsso_region = us-east-1`n`n[services local]`ns3 =`n  endpoint_url = http://localhost:9000`n"
            Set-Content -LiteralPath $sb.ConfigFile -Value $original -NoNewline
            Invoke-InSsoSandbox -Sandbox $sb { Set-AWSSSOSessionConfiguration -SessionName corp -StartUrl https://new.awsapps.com/start -SSORegion eu-west-1 -WhatIf }
            [System.IO.File]::ReadAllText($sb.ConfigFile) | Should -BeExactly $original
            Invoke-InSsoSandbox -Sandbox $sb { Set-AWSSSOSessionConfiguration -SessionName corp -StartUrl https://new.awsapps.com/start -SSORegion eu-west-1 }
            $expected = $original.Replace("sso_start_url = https://old.awsapps.com/start`nsso_region = us-east-1`n", "sso_start_url = https://new.awsapps.com/start`nsso_region = eu-west-1`nsso_registration_scopes = sso:account:access`n")
            [System.IO.File]::ReadAllText($sb.ConfigFile) | Should -BeExactly $expected
            Invoke-InSsoSandbox -Sandbox $sb { Set-AWSSSOSessionConfiguration -SessionName other -StartUrl https://other.awsapps.com/start -SSORegion us-west-2 }
            [System.IO.File]::ReadAllText($sb.ConfigFile) | Should -BeExactly ($expected + "`n[sso-session other]`nsso_start_url = https://other.awsapps.com/start`nsso_region = us-west-2`nsso_registration_scopes = sso:account:access`n")
        } finally { Remove-SsoSandbox $sb }
    }

    It 'initializes a profile end to end: session, login, account and role' {
        $sb = New-SsoSandbox -Fake $Fake -NoToken
        try {
            Set-Content -LiteralPath $sb.ConfigFile -Value "# mine`n" -NoNewline
            Set-Device @{}
            Invoke-InSsoSandbox -Sandbox $sb {
                $detail = Initialize-AWSSSOConfiguration -ProfileName newdev -SessionName newcorp -StartUrl $sb.StartUrl -SSORegion us-east-1 -AccountId 111122223333 -RoleName ReadOnly -Region eu-west-1 -UseDeviceCode -NoBrowser 6>$null
                $detail.TokenStatus | Should -Be 'valid'
                (Get-STSCallerIdentity -ProfileName newdev).Account | Should -Be '111122223333'
            }
            $text = [System.IO.File]::ReadAllText($sb.ConfigFile)
            $text | Should -Match '(?s)^# mine\n\n\[sso-session newcorp\]\nsso_start_url = .*\n\[profile newdev\]\nsso_session = newcorp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n$'
        } finally { Remove-SsoSandbox $sb }
    }

    It 'picks the only account and role itself, and asks for a choice it cannot make when not interactive' {
        $sb = New-SsoSandbox -Fake $Fake -NoToken
        $original = (Invoke-FakeAws -Fake $Fake -Path '/_fake/state').accounts
        try {
            Set-Content -LiteralPath $sb.ConfigFile -Value "# mine`n" -NoNewline
            Set-Device @{}
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ accounts = @(@{ account_id = '123412341234'; account_name = 'Only'; email_address = 'only@example.com'; roles = @('Solo') }) } | Out-Null
            Invoke-InSsoSandbox -Sandbox $sb {
                $detail = Initialize-AWSSSOConfiguration -ProfileName auto -SessionName autocorp -StartUrl $sb.StartUrl -SSORegion us-east-1 -UseDeviceCode -NoBrowser 6>$null
                $detail.AccountId | Should -Be '123412341234'
                $detail.RoleName | Should -Be 'Solo'
            }
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ accounts = @(@{ account_id = '123412341234'; account_name = 'Only'; email_address = 'only@example.com'; roles = @('Solo', 'Duo') }) } | Out-Null
            $before = [System.IO.File]::ReadAllText($sb.ConfigFile)
            Invoke-InSsoSandbox -Sandbox $sb {
                $record = $null
                try { Initialize-AWSSSOConfiguration -ProfileName two -SessionName autocorp -StartUrl $sb.StartUrl -SSORegion us-east-1 -UseDeviceCode -NoBrowser 6>$null } catch { $record = $_ }
                $record.FullyQualifiedErrorId | Should -Be 'ChoiceRequired,Initialize-AWSSSOConfiguration'
            }
            [System.IO.File]::ReadAllText($sb.ConfigFile) | Should -BeExactly $before -Because 'no half-written profile is left behind'
        } finally {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ accounts = $original } | Out-Null
            Remove-SsoSandbox $sb
        }
    }
}
