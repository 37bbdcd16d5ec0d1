# The documented scheduled-task recipe, run as a job would run it: a non-interactive pwsh with no
# terminal and no input.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Fake = Start-FakeAws
    $script:Recipe = Join-Path $PSScriptRoot '../examples/Scheduled-BucketReport.ps1'
}

AfterAll { if ($script:Fake) { Stop-FakeAws -Fake $Fake } }

Describe 'The scheduled-task recipe' {
    It 'succeeds with a refreshable token and refreshes it' {
        $sb = New-SsoSandbox -Fake $Fake -ProfileName 'reports' -SessionName 'corp' -ExpiresIn 60
        try {
            $before = (Get-Content -Raw $sb.TokenFile | ConvertFrom-Json).accessToken
            $out = Join-Path $sb.Home 'buckets.csv'
            $run = Invoke-ChildPwsh -Environment (Get-SsoSandboxEnvironment -Sandbox $sb) -Script "& '$Recipe' -ProfileName reports -OutFile '$out'; exit `$LASTEXITCODE"
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $out | Should -Exist
            (Get-Content -Raw $sb.TokenFile | ConvertFrom-Json).accessToken | Should -Not -Be $before
            Get-FakeAwsCounter -Fake $Fake -Operation 'oidc:CreateToken:refresh_token' | Should -BeGreaterOrEqual 1
        } finally { Remove-SsoSandbox $sb }
    }

    It 'exits non-zero within 2 s, naming profile, session and command, when the session ended' {
        $sb = New-SsoSandbox -Fake $Fake -ProfileName 'reports' -SessionName 'corp2' -ExpiresIn -60
        try {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/sso/revoke' -Method POST -Body @{ session_name = 'corp2' } | Out-Null
            $out = Join-Path $sb.Home 'buckets.csv'
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $run = Invoke-ChildPwsh -Environment (Get-SsoSandboxEnvironment -Sandbox $sb) -Script "`$t = [Diagnostics.Stopwatch]::StartNew(); & '$Recipe' -ProfileName reports -OutFile '$out'; `$code = `$LASTEXITCODE; [Console]::Out.WriteLine('job took ' + `$t.ElapsedMilliseconds + ' ms'); exit `$code"
            $watch.Stop()
            $run.ExitCode | Should -Be 2
            [int]([regex]::Match($run.StdOut, 'job took (\d+) ms').Groups[1].Value) | Should -BeLessThan 2000
            $run.StdErr | Should -Match "'reports'"
            $run.StdErr | Should -Match "'corp2'"
            $run.StdErr | Should -Match 'Invoke-AWSSSOLogin -ProfileName reports'
            $out | Should -Not -Exist
        } finally { Remove-SsoSandbox $sb }
    }
}

Describe 'Runspaces' {
    It 'serves 16 parallel runspaces x 100 Get-S3Bucket with one GetRoleCredentials call and no error' -Skip:($PSVersionTable.PSEdition -eq 'Desktop') {
        $sb = New-SsoSandbox -Fake $Fake -ProfileName 'par' -SessionName 'par-sso'
        try {
            Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null
            $run = Invoke-ChildPwsh -Environment (Get-SsoSandboxEnvironment -Sandbox $sb) -TimeoutSeconds 300 -Script @'
Import-Module AWS.Tools.RustSSO
$results = 1..16 | ForEach-Object -ThrottleLimit 16 -Parallel {
    Import-Module AWS.Tools.RustSSO
    $errors = 0; $buckets = 0
    for ($i = 0; $i -lt 100; $i++) {
        try { $buckets += @(Get-S3Bucket -ProfileName par).Count } catch { $errors++ }
    }
    [pscustomobject]@{ Errors = $errors; Buckets = $buckets }
}
'{0}/{1}' -f ($results | Measure-Object Errors -Sum).Sum, ($results | Measure-Object Buckets -Sum).Sum
'@
            $run.ExitCode | Should -Be 0 -Because $run.StdErr
            $errors, $buckets = $run.StdOut.Trim() -split '/'
            [int]$errors | Should -Be 0
            [int]$buckets | Should -BeGreaterThan 0
            Get-FakeAwsCounter -Fake $Fake -Operation 'sso:GetRoleCredentials' | Should -Be 1
            Get-FakeAwsCounter -Fake $Fake -Operation 's3:ListBuckets' | Should -Be 1600
            Write-Host 'Runspaces raced: 16 x 100 Get-S3Bucket; GetRoleCredentials calls: 1'
        } finally { Remove-SsoSandbox $sb }
    }
}
