# Get-S3Bucket end to end against the local fake AWS (and once against moto_server).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1') -Force
    $script:Fake = Start-FakeAws
    $script:StaticKey = 'AKIDEXAMPLESTATIC'
    $script:StaticSecret = 'static-secret-key-example'
    $script:Buckets = @(
        @{ name = 'alpha-logs'; creation_date = '2023-01-02T03:04:05Z'; region = 'us-east-1' },
        @{ name = 'beta-data'; creation_date = '2023-06-30T12:00:00Z'; region = 'eu-west-1' },
        @{ name = 'gamma-web'; creation_date = '2024-02-29T23:59:59Z'; region = 'us-west-2' },
        @{ name = 'delta-backup'; creation_date = '2024-07-04T00:00:00Z'; region = 'ap-southeast-2' },
        @{ name = 'epsilon'; creation_date = '2025-01-01T00:00:00Z'; region = 'us-east-1' },
        @{ name = 'zeta-archive'; creation_date = '2025-03-15T08:30:00Z'; region = 'eu-central-1' },
        @{ name = 'eta-tmp'; creation_date = '2025-11-11T11:11:11Z'; region = 'us-east-2' })
    Set-FakeAwsBuckets -Fake $Fake -Buckets $Buckets
    $script:Static = @{ AccessKey = $StaticKey; SecretKey = $StaticSecret; EndpointUrl = $Fake.Endpoint; Region = 'us-east-1' }
}

AfterAll {
    if ($script:Fake) { Stop-FakeAws -Fake $Fake }
}

Describe 'Get-S3Bucket with static credentials' {
    BeforeEach { Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null }

    It 'returns exactly the buckets the fake holds, across several pages' {
        $result = @(Get-S3Bucket @Static -MaxBucket 3)
        Get-FakeAwsCounter -Fake $Fake -Operation 's3:ListBuckets' | Should -Be 3
        $result.Count | Should -Be $Buckets.Count
        $expected = $Buckets | Sort-Object { $_.name }
        $actual = $result | Sort-Object BucketName
        for ($i = 0; $i -lt $expected.Count; $i++) {
            $actual[$i].BucketName | Should -BeExactly $expected[$i].name
            $actual[$i].BucketRegion | Should -Be $expected[$i].region
            $actual[$i].CreationDate | Should -BeOfType [datetime]
            $actual[$i].CreationDate.ToUniversalTime() | Should -Be ([datetime]::Parse($expected[$i].creation_date, [cultureinfo]::InvariantCulture, 'AdjustToUniversal,AssumeUniversal'))
            $actual[$i].BucketArn | Should -Be ('arn:aws:s3:::' + $expected[$i].name)
        }
    }

    It 'writes typed objects with a table view of four columns' {
        $first = @(Get-S3Bucket @Static)[0]
        $first.PSObject.TypeNames[0] | Should -Be 'AWS.Tools.RustSSO.S3Bucket'
        $table = ($first | Format-Table | Out-String)
        foreach ($column in 'BucketName', 'CreationDate', 'BucketRegion', 'BucketArn') { $table | Should -Match $column }
    }

    It 'fetches one page with -NoAutoIteration' {
        $result = @(Get-S3Bucket @Static -MaxBucket 2 -NoAutoIteration)
        $result.Count | Should -Be 2
        Get-FakeAwsCounter -Fake $Fake -Operation 's3:ListBuckets' | Should -Be 1
    }

    It 'filters by exact, case-sensitive name' {
        (Get-S3Bucket @Static -BucketName 'gamma-web').BucketName | Should -BeExactly 'gamma-web'
        Get-S3Bucket @Static -BucketName 'GAMMA-WEB' | Should -BeNullOrEmpty
    }

    It 'gives a terminating ErrorRecord for a wrong secret key, without the key in it' {
        $wrong = 'wrong-secret-value-0123456789'
        $record = $null
        try { Get-S3Bucket -AccessKey $StaticKey -SecretKey $wrong -EndpointUrl $Fake.Endpoint -Region us-east-1 } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -Match '^(SignatureDoesNotMatch|AccessDenied|InvalidAccessKeyId),Get-S3Bucket$'
        $record.CategoryInfo.Category | Should -Be 'PermissionDenied'
        ($record | Out-String) + $record.Exception.Message | Should -Not -Match $wrong
    }

    It 'reports an unreachable endpoint as a connection error' {
        $record = $null
        try { Get-S3Bucket -AccessKey $StaticKey -SecretKey $StaticSecret -EndpointUrl 'http://127.0.0.1:9' -Region us-east-1 } catch { $record = $_ }
        $record.CategoryInfo.Category | Should -BeIn @('ConnectionError', 'OperationTimeout')
    }

    It 'never writes the secret key to any stream' {
        $all = & {
            Get-S3Bucket @Static -Verbose -Debug
            try { Get-S3Bucket -AccessKey 'AKIDUNKNOWN000000000' -SecretKey $StaticSecret -EndpointUrl $Fake.Endpoint -Region us-east-1 -Verbose } catch { $_ }
        } *>&1 | Out-String
        $all | Should -Match 'alpha-logs'
        $all | Should -Not -Match ([regex]::Escape($StaticSecret))
    }
}

Describe 'Get-S3Bucket with an SSO profile' {
    BeforeAll { $script:Sandbox = New-SsoSandbox -Fake $Fake -ProfileName 'sso-dev' -SessionName 'dev-sso' }
    AfterAll { Remove-SsoSandbox -Sandbox $Sandbox }

    It 'lists the buckets with credentials from the cached SSO token' {
        $run = Invoke-ChildPwsh -Environment (Get-SsoSandboxEnvironment -Sandbox $Sandbox) -Script @'
Import-Module AWS.Tools.RustSSO
(Get-S3Bucket -ProfileName sso-dev).BucketName -join ','
'@
        $run.StdErr | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.StdOut.Trim() -split ',' | Sort-Object | Should -Be ($Buckets.name | Sort-Object)
        Get-FakeAwsCounter -Fake $Fake -Operation 'sso:GetRoleCredentials' | Should -BeGreaterOrEqual 1
        $secrets = Get-FakeAwsSecrets -Fake $Fake
        foreach ($secret in $secrets) { $run.StdOut + $run.StdErr | Should -Not -Match ([regex]::Escape($secret)) }
    }
}

Describe 'Get-S3Bucket against moto_server (an independent S3)' {
    BeforeAll {
        $script:Moto = $null
        $script:MotoPort = Get-FreeTcpPort
        $script:Moto = Start-Process -FilePath 'moto_server' -ArgumentList @('-H', '127.0.0.1', '-p', $MotoPort) -PassThru -RedirectStandardError (Join-Path ([IO.Path]::GetTempPath()) "moto-$MotoPort.log") -RedirectStandardOutput (Join-Path ([IO.Path]::GetTempPath()) "moto-$MotoPort.out")
        $script:MotoUrl = "http://127.0.0.1:$MotoPort"
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while ($true) {
            try { Invoke-WebRequest -Uri "$MotoUrl/moto-api/" -UseBasicParsing -TimeoutSec 2 | Out-Null; break } catch {
                if ([DateTime]::UtcNow -gt $deadline) { throw "moto_server did not start on port $MotoPort" }
                Start-Sleep -Milliseconds 250
            }
        }
        $script:MotoBuckets = @('moto-one', 'moto-two', 'moto-three')
        $python = Get-PythonWithBoto3
        $created = & $python -c @"
import boto3
s3 = boto3.client('s3', endpoint_url='$MotoUrl', region_name='us-east-1', aws_access_key_id='testing', aws_secret_access_key='testing')
for name in ['moto-one', 'moto-two', 'moto-three']:
    s3.create_bucket(Bucket=name)
print(len(s3.list_buckets()['Buckets']))
"@ 2>&1
        $created | Should -Be '3'
    }
    AfterAll { if ($script:Moto) { Stop-Process -Id $Moto.Id -Force -ErrorAction SilentlyContinue } }

    It 'lists the buckets moto holds' {
        $result = @(Get-S3Bucket -AccessKey testing -SecretKey testing -EndpointUrl $MotoUrl -Region us-east-1)
        ($result.BucketName | Sort-Object) | Should -Be ($MotoBuckets | Sort-Object)
        foreach ($bucket in $result) { $bucket.CreationDate | Should -BeOfType [datetime] }
    }
}
