# Many accounts: SSO role credentials that flow through the pipeline into every service command,
# parallel fan-out, errors that name the account, and Sync-AWSSSOProfile. The fake holds 50
# accounts with 2 roles each and 3 buckets per account, each bucket visible only to its account.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1') -Force
    $script:Fake = Start-FakeAws
    $script:AccountIds = @(1..50 | ForEach-Object { '{0:D12}' -f (500000000000 + $_) })
    $accounts = @(for ($i = 0; $i -lt 50; $i++) {
            @{ account_id = $AccountIds[$i]; account_name = ('Team {0:D2}' -f ($i + 1)); email_address = "team$($i + 1)@example.com"; roles = @('ReadOnly', 'Admin') }
        })
    $buckets = @(for ($i = 0; $i -lt 50; $i++) {
            foreach ($n in 1..3) { @{ name = ('team{0:D2}-bucket-{1}' -f ($i + 1), $n); region = 'us-east-1'; account = $AccountIds[$i] } }
        })
    Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ accounts = $accounts; buckets = $buckets; require_auth = $true } | Out-Null
    $script:Sandbox = New-SsoSandbox -Fake $Fake -ProfileName 'dev' -SessionName 'corp'

    function Get-RoleCredentialCalls { Get-FakeAwsCounter -Fake $Fake -Operation 'sso:GetRoleCredentials' }
    function Reset-Counters { Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null }

    function Add-SsoSession {
        # Another [sso-session] in the sandbox's config, with a cached token the fake accepts.
        param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $Name, [int] $ExpiresIn = 28800)
        $startUrl = "https://$Name.awsapps.com/start"
        Add-Content -LiteralPath $Sandbox.ConfigFile -Value "`n[sso-session $Name]`nsso_region = us-east-1`nsso_start_url = $startUrl`nsso_registration_scopes = sso:account:access"
        $token = Invoke-FakeAws -Fake $Fake -Path '/_fake/sso/token' -Method POST -Body @{
            start_url = $startUrl; region = 'us-east-1'; session_name = $Name; expires_in = $ExpiresIn; scopes = @('sso:account:access'); with_refresh = $true
        }
        $ordered = [ordered]@{}
        foreach ($key in 'startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken') { $ordered[$key] = $token.$key }
        $file = Join-Path $Sandbox.CacheDir ((Get-Sha1Hex $Name) + '.json')
        [System.IO.File]::WriteAllText($file, (ConvertTo-Json -InputObject $ordered -Compress))
        $file
    }
}

AfterAll {
    if ($script:Sandbox) { Remove-SsoSandbox $Sandbox }
    if ($script:Fake) { Stop-FakeAws -Fake $Fake }
}

Describe 'SSO role credentials in the pipeline' {
    It 'lists 150 buckets of 50 accounts, each tagged with its account, with one GetRoleCredentials per account and role' {
        Invoke-InSsoSandbox -Sandbox $Sandbox {
            Reset-Counters
            $buckets = @(Get-SSOAccountList -ProfileName dev | Get-SSOAccountRoleList -ProfileName dev |
                    Where-Object RoleName -EQ ReadOnly | Get-S3Bucket)
            $buckets.Count | Should -Be 150
            Get-RoleCredentialCalls | Should -Be 50
            foreach ($bucket in $buckets) {
                $bucket | Should -BeOfType ([AWS.Tools.RustSSO.S3Bucket])
                $bucket.RoleName | Should -Be 'ReadOnly'
                $index = [int]$bucket.BucketName.Substring(4, 2)
                $bucket.AccountId | Should -Be $AccountIds[$index - 1] -Because "$($bucket.BucketName) belongs to that account"
            }
            @($buckets | Group-Object AccountId).Count | Should -Be 50
            # The fan-out view puts the account first; an explicit -Credential is single-account
            # use and keeps the usual view.
            ($buckets | Select-Object -First 2 | Format-Table | Out-String) | Should -Match 'AccountId\s+RoleName\s+BucketName'
            $single = @(Get-S3Bucket -Credential (Get-AWSCredential -ProfileName dev -AccountId $AccountIds[0] -RoleName ReadOnly))
            $single.Count | Should -Be 3
            $single[0].PSObject.Properties['AccountId'] | Should -BeNullOrEmpty
            ($single | Format-Table | Out-String) | Should -Not -Match 'AccountId'
            Set-AWSCredential -Credential (Get-AWSCredential -ProfileName dev -AccountId $AccountIds[0] -RoleName ReadOnly)
            try {
                $stored = @(Get-S3Bucket)
                $stored.Count | Should -Be 3
                $stored[0].PSObject.Properties['AccountId'] | Should -BeNullOrEmpty -Because 'a shell default is single-account use'
                ($stored | Format-Table | Out-String) | Should -Not -Match 'AccountId'
            } finally { Clear-AWSCredential }

            Reset-Counters
            $again = @(Get-SSOAccountList -ProfileName dev | Get-SSOAccountRoleList -ProfileName dev |
                    Where-Object RoleName -EQ ReadOnly | Get-S3Bucket)
            $again.Count | Should -Be 150
            Get-RoleCredentialCalls | Should -Be 0 -Because 'the role credentials of the first run are still valid'
        }
    }

    It 'makes an SSO role credential with Get-AWSCredential, from a profile or an sso-session, carrying no keys' {
        Invoke-InSsoSandbox -Sandbox $Sandbox {
            $fromProfile = Get-AWSCredential -ProfileName dev -AccountId $AccountIds[1] -RoleName Admin
            $fromSession = Get-AWSCredential -SessionName corp -AccountId $AccountIds[2] -RoleName Admin
            foreach ($credential in $fromProfile, $fromSession) {
                $credential | Should -BeOfType ([AWS.Tools.RustSSO.AWSCredentials])
                $credential.AccessKey | Should -BeNullOrEmpty
                $credential.Source | Should -Match "SSO role 'Admin' in account \d{12}"
            }
            (@(Get-S3Bucket -Credential $fromProfile).BucketName -join ',') | Should -Be 'team02-bucket-1,team02-bucket-2,team02-bucket-3'
            (@($fromSession | Get-S3Bucket).BucketName -join ',') | Should -Be 'team03-bucket-1,team03-bucket-2,team03-bucket-3'
            $identity = $fromSession | Get-STSCallerIdentity
            $identity.Account | Should -Be $AccountIds[2]
            $identity.AccountId | Should -Be $AccountIds[2]
            $identity.Arn | Should -Match 'assumed-role/AWSReservedSSO_Admin'
            { Get-AWSCredential -ProfileName dev -AccountId $AccountIds[1] } | Should -Throw -ErrorId 'IncompleteSsoRoleCredential,Get-AWSCredential'

            # As the shell default, the portal commands follow it too: its session, account and role.
            Set-AWSCredential -Credential $fromSession
            try {
                $roleCredential = Get-SSORoleCredential
                $roleCredential.AccountId | Should -Be $AccountIds[2]
                $roleCredential.RoleName | Should -Be 'Admin'
                @(Get-SSOAccountRoleList).AccountId | Sort-Object -Unique | Should -Be $AccountIds[2]
                @(Get-SSOAccountList).Count | Should -Be 50
            } finally { Clear-AWSCredential }
        }
    }

    It 'writes a non-terminating error naming the account and role, and goes on with the next account' {
        Invoke-InSsoSandbox -Sandbox $Sandbox {
            $roles = @(
                [AWS.Tools.RustSSO.SSORole]@{ AccountId = $AccountIds[3]; RoleName = 'ReadOnly'; ProfileName = 'dev' }
                [AWS.Tools.RustSSO.SSORole]@{ AccountId = $AccountIds[4]; RoleName = 'Gone'; ProfileName = 'dev' }
                [AWS.Tools.RustSSO.SSORole]@{ AccountId = $AccountIds[5]; RoleName = 'ReadOnly'; SessionName = 'corp' }
            )
            $errors = $null
            $buckets = @($roles | Get-S3Bucket -ErrorVariable errors -ErrorAction SilentlyContinue)
            $buckets.Count | Should -Be 6
            @($buckets.AccountId | Sort-Object -Unique) | Should -Be @($AccountIds[3], $AccountIds[5])
            $errors.Count | Should -Be 1
            $errors[0].FullyQualifiedErrorId | Should -Be 'SsoRoleAccessDenied,Get-S3Bucket'
            $errors[0].Exception.Message | Should -Match $AccountIds[4]
            $errors[0].Exception.Message | Should -Match "'Gone'"
            $errors[0].TargetObject.AccountId | Should -Be $AccountIds[4]

            # Given explicitly (no pipeline), the same failure is the command's terminating error.
            { Get-S3Bucket -Credential $roles[1] } | Should -Throw -ErrorId 'SsoRoleAccessDenied,Get-S3Bucket'

            $seen = [System.Collections.Generic.List[object]]::new()
            { $roles | Get-S3Bucket -ErrorAction Stop | ForEach-Object { $seen.Add($_) } } | Should -Throw -ErrorId 'SsoRoleAccessDenied,Get-S3Bucket'
            $seen.Count | Should -Be 3 -Because '-ErrorAction Stop stops at the failing account'
        }
    }

    It 'refreshes role credentials that expire in the middle of the run, without an error' {
        Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ role_credentials_ttl_secs = 2 } | Out-Null
        try {
            Invoke-InSsoSandbox -Sandbox $Sandbox {
                Reset-Counters
                $roles = @($AccountIds[42..44] | ForEach-Object { [AWS.Tools.RustSSO.SSORole]@{ AccountId = $_; RoleName = 'Admin'; ProfileName = 'dev' } })
                $errors = $null
                # Each account comes twice, 1.2 s apart per object: its first credentials have
                # expired (at the fake too) when it comes again.
                $buckets = @($roles + $roles | ForEach-Object { Start-Sleep -Milliseconds 1200; $_ } | Get-S3Bucket -ErrorVariable errors)
                $errors | Should -BeNullOrEmpty
                $buckets.Count | Should -Be 18
                Get-RoleCredentialCalls | Should -Be 6 -Because 'credentials that expired are fetched again'
                Get-FakeAwsCounter -Fake $Fake -Operation 's3:ListBuckets' | Should -Be 6
            }
        } finally {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ role_credentials_ttl_secs = 3600 } | Out-Null
        }
    }

    It 'runs 16 accounts at once with ForEach-Object -Parallel and with a runspace pool: one GetRoleCredentials per account and role, one token refresh, an intact cache' {
        $sb = New-SsoSandbox -Fake $Fake -ProfileName 'par' -SessionName 'par-sso' -ExpiresIn 120
        try {
            Invoke-InSsoSandbox -Sandbox $sb {
                Reset-Counters
                $module = Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1'
                $targets = @($AccountIds[10..25] | ForEach-Object { [AWS.Tools.RustSSO.SSORole]@{ AccountId = $_; RoleName = 'Admin'; ProfileName = 'par' } })
                $parallel = @($targets | ForEach-Object -ThrottleLimit 16 -Parallel {
                        Import-Module $using:module
                        $_ | Get-S3Bucket
                    })
                $parallel.Count | Should -Be 48
                @($parallel.AccountId | Sort-Object -Unique).Count | Should -Be 16
                Get-RoleCredentialCalls | Should -Be 16
                Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:CreateToken:refresh_token' | Should -Be 1 -Because 'the token was within its refresh window'
                $cached = Get-Content -Raw -LiteralPath $sb.TokenFile | ConvertFrom-Json
                $cached.accessToken | Should -Not -BeNullOrEmpty
                ([datetime]$cached.expiresAt).ToUniversalTime() | Should -BeGreaterThan ([datetime]::UtcNow.AddMinutes(30))

                # The same with a runspace pool, as Windows PowerShell 5.1 would run it.
                Reset-Counters
                $pool = [runspacefactory]::CreateRunspacePool(1, 16)
                $pool.Open()
                try {
                    $jobs = foreach ($accountId in $AccountIds[26..41]) {
                        $ps = [powershell]::Create()
                        $ps.RunspacePool = $pool
                        [void]$ps.AddScript({
                                param($Module, $AccountId)
                                Import-Module $Module
                                Get-AWSCredential -ProfileName par -AccountId $AccountId -RoleName Admin | Get-S3Bucket
                            }).AddArgument($module).AddArgument($accountId)
                        [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
                    }
                    $pooled = @(foreach ($job in $jobs) { $job.PowerShell.EndInvoke($job.Handle); $job.PowerShell.Dispose() })
                } finally { $pool.Dispose() }
                $pooled.Count | Should -Be 48
                Get-RoleCredentialCalls | Should -Be 16
                Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:CreateToken:refresh_token' | Should -Be 0
                { Get-Content -Raw -LiteralPath $sb.TokenFile | ConvertFrom-Json } | Should -Not -Throw
            }
        } finally { Remove-SsoSandbox $sb }
    }
}

Describe 'Sync-AWSSSOProfile' {
    BeforeEach {
        $script:Sync = New-SsoSandbox -Fake $Fake -ProfileName 'dev' -SessionName 'corp'
        Add-Content -LiteralPath $Sync.ConfigFile -Value "`n# my own profile, not to be touched`n[profile Team-01.ReadOnly]`nregion = ap-south-1   # keep me`n"
    }
    AfterEach { Remove-SsoSandbox $Sync }

    It 'writes one marked profile per account and role, leaves foreign profiles alone, and reruns in place' {
        Invoke-InSsoSandbox -Sandbox $Sync {
            $warnings = $null
            $written = @(Sync-AWSSSOProfile -SessionName corp -Region eu-west-1 -PassThru -WarningVariable warnings 3>$null)
            $written.Count | Should -Be 99 -Because '50 accounts x 2 roles, less the one name taken by a profile the command did not write'
            $written[0] | Should -BeOfType ([AWS.Tools.RustSSO.ProfileDetail])
            $warnings.Count | Should -Be 1
            "$($warnings[0])" | Should -Match 'Team-01\.ReadOnly'
            $text = Get-Content -Raw -LiteralPath $Sync.ConfigFile
            $text | Should -Match ([regex]::Escape("[profile Team-01.ReadOnly]`nregion = ap-south-1   # keep me"))
            $text | Should -Match '# my own profile, not to be touched'
            $text | Should -Match ("\[profile Team-02\.Admin\]\nsso_session = corp\nsso_account_id = {0}\nsso_role_name = Admin\nregion = eu-west-1\naws_tools_rustsso_sync = corp\n" -f $AccountIds[1])
            $admin = $written | Where-Object ProfileName -EQ 'Team-50.Admin'
            $admin.AccountId | Should -Be $AccountIds[49]
            $admin.SsoSession | Should -Be 'corp'
            # The profiles work at once, here and in botocore (through the same token cache).
            (@(Get-S3Bucket -ProfileName Team-07.Admin).BucketName -join ',') | Should -Be 'team07-bucket-1,team07-bucket-2,team07-bucket-3'
            $python = Get-PythonWithBoto3
            $names = & $python -c "import boto3; print(','.join(b['Name'] for b in boto3.Session(profile_name='Team-08.ReadOnly').client('s3', endpoint_url='$($Fake.Endpoint)').list_buckets()['Buckets']))" 2>&1
            $LASTEXITCODE | Should -Be 0 -Because "$names"
            "$names" | Should -Be 'team08-bucket-1,team08-bucket-2,team08-bucket-3'

            # A rerun changes nothing.
            $before = [System.IO.File]::ReadAllBytes($Sync.ConfigFile)
            Sync-AWSSSOProfile -SessionName corp -Region eu-west-1 3>$null
            [System.IO.File]::ReadAllBytes($Sync.ConfigFile) | Should -Be $before
        }
    }

    It 'changes nothing with -WhatIf and says what it would write' {
        $before = Get-Content -Raw -LiteralPath $Sync.ConfigFile
        # "What if:" lines go to the host: a child pwsh shows them on its output.
        $run = Invoke-ChildPwsh -Environment (Get-SsoSandboxEnvironment -Sandbox $Sync) -Script "Import-Module '$env:RUSTSSO_TEST_MODULE/AWS.Tools.RustSSO.psd1'; Sync-AWSSSOProfile -SessionName corp -Prune -WhatIf 3>`$null"
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        Get-Content -Raw -LiteralPath $Sync.ConfigFile | Should -Be $before
        $run.StdOut | Should -Match 'What if: .*Write \[profile Team-02\.ReadOnly\]'
        ([regex]::Matches($run.StdOut, 'What if: ')).Count | Should -Be 99
    }

    It 'with -Prune removes only its own profiles that no longer match an assignment' {
        Invoke-InSsoSandbox -Sandbox $Sync {
            Sync-AWSSSOProfile -SessionName corp 3>$null
            $state = Invoke-FakeAws -Fake $Fake -Path '/_fake/state'
            $accounts = @($state.accounts | ForEach-Object { @{ account_id = $_.account_id; account_name = $_.account_name; email_address = $_.email_address; roles = @($_.roles) } })
            $accounts[2].roles = @('ReadOnly')
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ accounts = $accounts } | Out-Null
            try {
                Sync-AWSSSOProfile -SessionName corp 3>$null
                $before = Get-Content -Raw -LiteralPath $Sync.ConfigFile
                $before | Should -Match '\[profile Team-03\.Admin\]' -Because 'without -Prune nothing is removed'
                ([regex]::Matches($before, '(?m)^aws_tools_rustsso_sync = corp$')).Count | Should -Be 99
                Sync-AWSSSOProfile -SessionName corp -Prune 3>$null
                $text = Get-Content -Raw -LiteralPath $Sync.ConfigFile
                ([regex]::Matches($text, '(?m)^aws_tools_rustsso_sync = corp$')).Count | Should -Be 98
                $text | Should -Match '# my own profile, not to be touched'
                # Exactly that section went: the text is the old one without it.
                $section = [regex]::Match($before, '\[profile Team-03\.Admin\][^\[]*').Value
                $text | Should -Be $before.Replace($section, '')
                $text | Should -Not -Match '\[profile Team-03\.Admin\]'
                $text | Should -Match '\[profile Team-03\.ReadOnly\]'
                $text | Should -Match '\[profile Team-01\.ReadOnly\]\nregion = ap-south-1'
                $text | Should -Match '\[profile dev\]'
            } finally {
                $accounts[2].roles = @('ReadOnly', 'Admin')
                Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ accounts = $accounts } | Out-Null
            }
        }
    }

    It 'writes every other profile when a role name cannot be written, and reruns byte-identically' {
        Invoke-InSsoSandbox -Sandbox $Sync {
            $state = Invoke-FakeAws -Fake $Fake -Path '/_fake/state'
            $accounts = @($state.accounts | ForEach-Object { @{ account_id = $_.account_id; account_name = $_.account_name; email_address = $_.email_address; roles = @($_.roles) } })
            $accounts[3].roles = @('ReadOnly', 'R #c', "Line`nBreak", "Nb$([char]0xA0)#c")
            Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ accounts = $accounts } | Out-Null
            try {
                $errors = $null
                Sync-AWSSSOProfile -SessionName corp -ErrorVariable errors -ErrorAction SilentlyContinue 3>$null
                $errors.Count | Should -Be 3
                @($errors | ForEach-Object { $_.FullyQualifiedErrorId }) | Sort-Object -Unique | Should -Be 'UnwritableProfileValue,Sync-AWSSSOProfile'
                $errors[0].CategoryInfo.Category | Should -Be 'InvalidData'
                $text = Get-Content -Raw -LiteralPath $Sync.ConfigFile
                $text | Should -Match '\[profile Team-04\.ReadOnly\]'
                $text | Should -Not -Match 'R #c'
                ([regex]::Matches($text, '(?m)^aws_tools_rustsso_sync = corp$')).Count | Should -Be 98 -Because 'every other assignment was written (account 4 has only ReadOnly besides the three)'
                $before = [System.IO.File]::ReadAllBytes($Sync.ConfigFile)
                Sync-AWSSSOProfile -SessionName corp -ErrorAction SilentlyContinue 3>$null
                [System.IO.File]::ReadAllBytes($Sync.ConfigFile) | Should -Be $before
            } finally {
                $accounts[3].roles = @('ReadOnly', 'Admin')
                Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ accounts = $accounts } | Out-Null
            }
        }
    }

    It 'prunes nothing when the roles of an account could not be listed' {
        Invoke-InSsoSandbox -Sandbox $Sync {
            Sync-AWSSSOProfile -SessionName corp 3>$null
            $before = Get-Content -Raw -LiteralPath $Sync.ConfigFile
            Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method POST -Body @{ operation = 'sso:ListAccountRoles'; status = 404; error_code = 'ResourceNotFoundException'; skip = 5; times = 1 } | Out-Null
            try {
                $errors = $null; $warnings = $null
                Sync-AWSSSOProfile -SessionName corp -Prune -ErrorVariable errors -ErrorAction SilentlyContinue -WarningVariable warnings 3>$null
            } finally { Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method DELETE | Out-Null }
            $errors.Count | Should -Be 1
            "$($errors[0])" | Should -Match ('Account {0}' -f $AccountIds[5])
            ($warnings | Out-String) | Should -Match '-Prune removes nothing'
            Get-Content -Raw -LiteralPath $Sync.ConfigFile | Should -Be $before
        }
    }

    It 'never logs in: without a token it fails with the login command to run and writes nothing' {
        Invoke-InSsoSandbox -Sandbox $Sync {
            Remove-Item -LiteralPath $Sync.TokenFile
            $before = Get-Content -Raw -LiteralPath $Sync.ConfigFile
            { Sync-AWSSSOProfile -SessionName corp } | Should -Throw -ErrorId 'SsoTokenNotFound,Sync-AWSSSOProfile'
            try { Sync-AWSSSOProfile -SessionName corp } catch { $_.Exception.Message | Should -Match 'Invoke-AWSSSOLogin -SessionName corp' }
            Get-Content -Raw -LiteralPath $Sync.ConfigFile | Should -Be $before
        }
    }

    It 'loses no edits when two runs write the same file at once' {
        $otherToken = Add-SsoSession -Sandbox $Sync -Name 'other'
        $otherToken | Should -Exist
        $environment = Get-SsoSandboxEnvironment -Sandbox $Sync
        $runs = foreach ($session in 'corp', 'other') {
            $script = "Import-Module '$env:RUSTSSO_TEST_MODULE/AWS.Tools.RustSSO.psd1'; Sync-AWSSSOProfile -SessionName $session -NameFormat '{SessionName}-{AccountId}-{RoleName}' -ErrorAction Stop"
            [pscustomobject]@{ Session = $session; Job = Start-ThreadJob -ScriptBlock { param($Script, $Environment) Invoke-ChildPwsh -Script $Script -Environment $Environment } -ArgumentList $script, $environment -InitializationScript ([scriptblock]::Create("Import-Module '$PSScriptRoot/TestHelpers.psm1'")) }
        }
        foreach ($run in $runs) {
            $result = Receive-Job -Job $run.Job -Wait -AutoRemoveJob
            $result.ExitCode | Should -Be 0 -Because $result.StdErr
        }
        $text = Get-Content -Raw -LiteralPath $Sync.ConfigFile
        foreach ($session in 'corp', 'other') {
            ([regex]::Matches($text, "\[profile $session-\d{12}-(ReadOnly|Admin)\]")).Count | Should -Be 100 -Because "both runs' profiles are kept ($session)"
        }
    }

    It 'keeps an edit that the AWS CLI made while it was writing' {
        $aws = Get-Command aws -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $aws) { Set-ItResult -Skipped -Because 'the AWS CLI (aws) is not installed'; return }
        $environment = Get-SsoSandboxEnvironment -Sandbox $Sync
        $environment['AWS_TOOLS_RUSTSSO_TEST_CONFIG_EDIT_DELAY_MS'] = '8000'
        $script = "Import-Module '$env:RUSTSSO_TEST_MODULE/AWS.Tools.RustSSO.psd1'; Sync-AWSSSOProfile -SessionName corp -ErrorAction Stop 3>`$null"
        $job = Start-ThreadJob -ScriptBlock { param($Script, $Environment) Invoke-ChildPwsh -Script $Script -Environment $Environment } -ArgumentList $script, $environment -InitializationScript ([scriptblock]::Create("Import-Module '$PSScriptRoot/TestHelpers.psm1'"))
        # The run holds its edit for 8 s between reading the file and replacing it; another
        # program appends to the file and the CLI writes it meanwhile.
        $deadline = [datetime]::UtcNow.AddSeconds(20)
        while ([datetime]::UtcNow -lt $deadline -and -not (Test-Path -LiteralPath (Join-Path (Split-Path $Sync.ConfigFile) '.config.lock'))) { Start-Sleep -Milliseconds 50 }
        Start-Sleep -Milliseconds 300
        [System.IO.File]::AppendAllText($Sync.ConfigFile, "`n[profile hand-edit]`nregion = eu-north-1`n")
        $saved = $env:AWS_CONFIG_FILE
        try {
            $env:AWS_CONFIG_FILE = $Sync.ConfigFile
            & $aws.Source configure set region sa-east-1 --profile cli-edit
            $LASTEXITCODE | Should -Be 0
        } finally { Set-TestEnvironmentVariable -Name AWS_CONFIG_FILE -Value $saved }
        $result = Receive-Job -Job $job -Wait -AutoRemoveJob
        $result.ExitCode | Should -Be 0 -Because $result.StdErr
        $text = Get-Content -Raw -LiteralPath $Sync.ConfigFile
        $text | Should -Match '\[profile cli-edit\]\s+region = sa-east-1'
        $text | Should -Match '\[profile hand-edit\]\s+region = eu-north-1'
        ([regex]::Matches($text, '\[profile Team-\d\d\.(ReadOnly|Admin)\]')).Count | Should -Be 100
    }
}
