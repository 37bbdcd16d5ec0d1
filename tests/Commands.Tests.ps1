# The commands as AWS Tools users know them: parameters, help, streaming, cancellation, the
# default credential and region order, errors, completion, export and mocking.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1') -Force
    $script:Fake = Start-FakeAws
    $script:Sandbox = New-SsoSandbox -Fake $Fake -ProfileName 'sso-dev' -SessionName 'dev-sso' -Region 'eu-west-1'
    # Three static identities the fake knows, told apart by their ARN.
    $keys = @('DEFAULT', 'NAMED', 'ENVKEY', 'PARAM', 'STORED') | ForEach-Object {
        @{ access_key_id = "AKID$($_)00000000"; secret_access_key = "secret-$($_.ToLower())-0123456789"; account = '999988887777'; arn = "arn:aws:iam::999988887777:user/$($_.ToLower())"; user_id = "AIDA$_" }
    }
    $keys += @{ access_key_id = 'AKIDEXAMPLESTATIC'; secret_access_key = 'static-secret-key-example'; account = '123456789012'; arn = 'arn:aws:iam::123456789012:user/static'; user_id = 'AIDASTATIC' }
    Invoke-FakeAws -Fake $Fake -Path '/_fake/state' -Method POST -Body @{ static_keys = $keys } | Out-Null
    Add-Content -LiteralPath $Sandbox.ConfigFile -Value @"

[default]
aws_access_key_id = AKIDDEFAULT00000000
aws_secret_access_key = secret-default-0123456789
region = ap-southeast-2

[profile named]
aws_access_key_id = AKIDNAMED00000000
aws_secret_access_key = secret-named-0123456789
region = ca-central-1
"@
    function script:Invoke-Sandboxed([scriptblock] $Block) { Invoke-InSsoSandbox -Sandbox $Sandbox -ScriptBlock $Block }
}

AfterAll {
    Clear-AWSCredential; Clear-DefaultAWSRegion
    if ($script:Sandbox) { Remove-SsoSandbox -Sandbox $Sandbox }
    if ($script:Fake) { Stop-FakeAws -Fake $Fake }
}

Describe 'Parity with AWS Tools parameters' {
    BeforeDiscovery {
        $script:Expected = @(
            @{ Command = 'Get-S3Bucket'; Name = 'BucketName'; Type = 'string'; Position = 0; ByValue = $true; ByName = $true; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'BucketRegion'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'Prefix'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'MaxBucket'; Type = 'int'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('MaxBuckets', 'MaxItems') }
            @{ Command = 'Get-S3Bucket'; Name = 'ContinuationToken'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('NextToken') }
            @{ Command = 'Get-S3Bucket'; Name = 'Select'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'NoAutoIteration'; Type = 'switch'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'EndpointUrl'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'ForcePathStyleAddressing'; Type = 'bool'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'Region'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('RegionToCall') }
            @{ Command = 'Get-S3Bucket'; Name = 'ProfileName'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('StoredCredentials', 'AWSProfileName') }
            @{ Command = 'Get-S3Bucket'; Name = 'ProfileLocation'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('AWSProfilesLocation', 'ProfilesLocation') }
            @{ Command = 'Get-S3Bucket'; Name = 'AccessKey'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('AK') }
            @{ Command = 'Get-S3Bucket'; Name = 'SecretKey'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('SK', 'SecretAccessKey') }
            @{ Command = 'Get-S3Bucket'; Name = 'SessionToken'; Type = 'string'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('ST') }
            @{ Command = 'Get-S3Bucket'; Name = 'Credential'; Type = 'AWSCredentials'; Position = -2147483648; ByValue = $true; ByName = $false; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'TimeoutSec'; Type = 'int'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @() }
            @{ Command = 'Get-S3Bucket'; Name = 'MaxAttempt'; Type = 'int'; Position = -2147483648; ByValue = $false; ByName = $false; Aliases = @('MaxAttempts') }
        )
    }

    It '<Command> -<Name> has the AWS Tools type, position, pipeline binding and aliases' -ForEach $Expected {
        $parameter = (Get-Command $Command).Parameters[$Name]
        $parameter | Should -Not -BeNullOrEmpty
        $typeName = switch ($parameter.ParameterType) {
            ([string]) { 'string' } ([int]) { 'int' } ([bool]) { 'bool' } ([switch]) { 'switch' } default { $parameter.ParameterType.Name }
        }
        $typeName | Should -Be $Type
        $attribute = $parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
        $attribute.Position | Should -Be $Position
        $attribute.ValueFromPipeline | Should -Be $ByValue
        $attribute.ValueFromPipelineByPropertyName | Should -Be $ByName
        @($parameter.Aliases | Sort-Object) | Should -Be @($Aliases | Sort-Object)
    }

    It 'Get-S3Bucket has no parameter that the table does not list' {
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $actual = (Get-Command Get-S3Bucket).Parameters.Keys | Where-Object { $_ -notin $common } | Sort-Object
        $actual | Should -Be (@($Expected | ForEach-Object { $_.Name }) | Sort-Object)
    }

    It 'every service command takes the common credential parameters with their aliases' {
        foreach ($command in 'Get-STSCallerIdentity', 'Get-S3Bucket') {
            $parameters = (Get-Command $command).Parameters
            foreach ($name in 'Region', 'ProfileName', 'ProfileLocation', 'AccessKey', 'SecretKey', 'SessionToken', 'Credential', 'EndpointUrl') {
                $parameters.ContainsKey($name) | Should -BeTrue -Because "$command -$name"
            }
            $parameters['ProfileName'].Aliases | Should -Contain 'StoredCredentials'
        }
    }
}

Describe 'Help' {
    BeforeDiscovery {
        $script:Commands = @(Get-Command -Module AWS.Tools.RustSSO | ForEach-Object { @{ Name = $_.Name } })
    }

    It '<Name> has a synopsis, a description, an example and help for every parameter' -ForEach $Commands {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s"
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $entry = $help.Parameters.Parameter | Where-Object Name -EQ $parameter
            ($entry.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs help"
        }
    }

    It 'Get-Help gives what the comment-based help in powershell/src says, from the external help file' {
        $module = Get-Module AWS.Tools.RustSSO
        $psm1 = [System.IO.File]::ReadAllText((Join-Path $module.ModuleBase 'AWS.Tools.RustSSO.psm1'))
        $psm1 | Should -Not -Match '(?m)^\s*\.SYNOPSIS' -Because 'import must not parse help text'
        Join-Path $module.ModuleBase 'en-US/AWS.Tools.RustSSO-help.xml' | Should -Exist
        $flat = { param($t) (($t | Out-String) -replace '\s+', ' ').Trim() }
        $sources = Get-ChildItem -LiteralPath (Join-Path (Split-Path -Parent $PSScriptRoot) 'powershell/src') -Filter '*.ps1'
        $checked = 0
        foreach ($file in $sources) {
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref]$null, [ref]$null)
            foreach ($function in $ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)) {
                if ($function.Name -notin $module.ExportedFunctions.Keys) { continue }
                $source = $function.GetHelpContent()
                $source | Should -Not -BeNullOrEmpty -Because "$($function.Name) keeps its help in $($file.Name)"
                $psm1 | Should -Match ('function {0} \{{\s*# \.ExternalHelp AWS\.Tools\.RustSSO-help\.xml' -f [regex]::Escape($function.Name))
                $help = Get-Help $function.Name -Full
                & $flat $help.Synopsis | Should -Be (& $flat $source.Synopsis)
                & $flat ($help.Description.Text) | Should -Be (& $flat $source.Description)
                foreach ($name in $source.Parameters.Keys) {
                    $entry = $help.Parameters.Parameter | Where-Object Name -EQ $name
                    & $flat $entry.Description.Text | Should -Be (& $flat $source.Parameters[$name]) -Because "-$name of $($function.Name)"
                }
                @($help.Examples.Example).Count | Should -Be $source.Examples.Count
                for ($i = 0; $i -lt $source.Examples.Count; $i++) {
                    $example = @($help.Examples.Example)[$i]
                    & $flat (@($example.Code) + @($example.Remarks.Text)) | Should -Be (& $flat $source.Examples[$i])
                }
                $syntax = (& $flat ($help.Syntax | Out-String))
                foreach ($parameter in (Get-Command $function.Name).Parameters.Keys | Where-Object { $_ -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }) {
                    $syntax | Should -Match ('-{0}\b' -f $parameter) -Because "the syntax of $($function.Name) names -$parameter"
                }
                $checked++
            }
        }
        $checked | Should -Be $module.ExportedFunctions.Count
    }

    It 'has an about topic covering setup, SSO, unattended use and troubleshooting' {
        $about = Get-Help about_AWS.Tools.RustSSO | Out-String
        foreach ($word in 'sso-session', 'Invoke-AWSSSOLogin', 'scheduled', 'TROUBLESHOOTING') { $about | Should -Match $word }
    }
}

Describe 'Streaming and cancellation' {
    BeforeAll {
        Invoke-FakeAws -Fake $Fake -Path '/_fake/buckets/generate' -Method POST -Body @{ count = 20; prefix = 'stream-'; replace = $true } | Out-Null
        $script:Static = @{ AccessKey = 'AKIDEXAMPLESTATIC'; SecretKey = 'static-secret-key-example'; EndpointUrl = $Fake.Endpoint; Region = 'us-east-1' }
    }
    BeforeEach { Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null }
    AfterEach { Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method DELETE | Out-Null }

    It 'fetches one page for Select-Object -First 1 out of 10 pages' {
        @(Get-S3Bucket @Static -MaxBucket 2).Count | Should -Be 20
        Get-FakeAwsCounter -Fake $Fake -Operation 's3:ListBuckets' | Should -Be 10
        Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null
        $first = Get-S3Bucket @Static -MaxBucket 2 | Select-Object -First 1
        $first.BucketName | Should -Match '^stream-'
        Get-FakeAwsCounter -Fake $Fake -Operation 's3:ListBuckets' | Should -Be 1
    }

    It 'writes whole responses with -Select * and parameter values with ^' {
        $pages = @(Get-S3Bucket @Static -MaxBucket 5 -Select '*')
        $pages.Count | Should -Be 4
        $pages[0].Buckets.Count | Should -Be 5
        $pages[0].ContinuationToken | Should -Not -BeNullOrEmpty
        $pages[3].ContinuationToken | Should -BeNullOrEmpty
        $pages[0].Owner.DisplayName | Should -Not -BeNullOrEmpty
        @(Get-S3Bucket @Static -Select 'Buckets.BucketName')[0] | Should -BeOfType [string]
        Get-S3Bucket @Static -Prefix 'stream-00' -Select '^Prefix' | Should -Be 'stream-00'
        { Get-S3Bucket @Static -Select '*' -BucketName 'x' } | Should -Throw '-BucketName cannot be used when -Select is specified.'
    }

    It 'cancels a slow request within 2 s when the pipeline is stopped, and the session stays usable' {
        Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method POST -Body @{ operation = 's3:ListBuckets'; delay_ms = 20000; times = 1 } | Out-Null
        $ps = [powershell]::Create()
        [void]$ps.AddScript("Import-Module '$($env:RUSTSSO_TEST_MODULE)/AWS.Tools.RustSSO.psd1'; Get-S3Bucket -AccessKey AKIDEXAMPLESTATIC -SecretKey static-secret-key-example -EndpointUrl '$($Fake.Endpoint)' -Region us-east-1")
        $async = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Get-FakeAwsCounter -Fake $Fake -Operation 's3:ListBuckets') -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Stop()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $ps.Dispose()
        @(Get-S3Bucket @Static).Count | Should -Be 20
    }

    It 'times out with -TimeoutSec as an OperationTimeout error' {
        Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method POST -Body @{ operation = 's3:ListBuckets'; delay_ms = 5000; times = 1 } | Out-Null
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $record = $null
        try { Get-S3Bucket @Static -TimeoutSec 1 } catch { $record = $_ }
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 2.5
        $record.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $record.Exception | Should -BeOfType [System.TimeoutException]
    }
}

Describe 'Answers the module cannot trust' {
    BeforeAll {
        function script:Invoke-Bounded([string] $Command, [int] $Seconds = 30) {
            # Runs a command in a runspace of its own, so that one that never ends fails the test
            # instead of hanging it; returns what it wrote and the error it ended with.
            $ps = [powershell]::Create()
            try {
                [void]$ps.AddScript("Import-Module '$($env:RUSTSSO_TEST_MODULE)/AWS.Tools.RustSSO.psd1'; try { $Command } catch { `$_ }")
                $handle = $ps.BeginInvoke()
                if (-not $handle.AsyncWaitHandle.WaitOne($Seconds * 1000)) {
                    $ps.Stop()
                    throw "'$Command' was still running after $Seconds s."
                }
                $items = @($ps.EndInvoke($handle))
                [pscustomobject]@{
                    Output = @($items | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] })
                    Error  = @($items | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Select-Object -First 1
                }
            } finally { $ps.Dispose() }
        }
        function script:Set-Fault([hashtable] $Fault) { Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method POST -Body $Fault | Out-Null }
        function script:Assert-Printable([string] $Text, [string] $Because) {
            # No C0 control but tab and newline, no DEL or C1 control, no bidi control.
            $Text | Should -Not -Match '[\x00-\x08\x0B-\x1F\x7F-\x9F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]' -Because $Because
        }
        $script:Static = @{ AccessKey = 'AKIDEXAMPLESTATIC'; SecretKey = 'static-secret-key-example'; EndpointUrl = $Fake.Endpoint; Region = 'us-east-1' }
        $esc = [char]0x1B
        $script:Hostile = "Denied $esc]52;c;SGVsbG8=$([char]7) $esc[2K $esc[8m hidden $([char]0x202E)txt.exe`r over"
    }
    BeforeEach { Invoke-FakeAws -Fake $Fake -Path '/_fake/counters/reset' -Method POST | Out-Null }
    AfterEach { Invoke-FakeAws -Fake $Fake -Path '/_fake/faults' -Method DELETE | Out-Null }

    It 'stops Get-S3Bucket with PaginationLoop when ListBuckets answers the token it was called with' {
        Set-Fault @{ operation = 's3:ListBuckets'; body = '<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><DisplayName>loop</DisplayName><ID>1</ID></Owner><Buckets><Bucket><Name>loop-bucket</Name><CreationDate>2024-01-01T00:00:00.000Z</CreationDate></Bucket></Buckets><ContinuationToken>same-token</ContinuationToken></ListAllMyBucketsResult>' }
        $run = Invoke-Bounded "Get-S3Bucket -AccessKey AKIDEXAMPLESTATIC -SecretKey static-secret-key-example -EndpointUrl '$($Fake.Endpoint)' -Region us-east-1"
        $run.Error.FullyQualifiedErrorId | Should -Be 'PaginationLoop,Get-S3Bucket'
        $run.Error.CategoryInfo.Category | Should -Be 'InvalidResult'
        $run.Error.Exception.Message | Should -Match 'ListBuckets'
        Get-FakeAwsCounter -Fake $Fake -Operation 's3:ListBuckets' | Should -BeLessOrEqual 3
    }

    It 'stops <Command> with PaginationLoop when <Operation> answers the token it was called with' -ForEach @(
        @{ Command = 'Get-SSOAccountList -ProfileName sso-dev'; Operation = 'sso:ListAccounts'; Body = '{"accountList":[{"accountId":"111122223333","accountName":"Loop","emailAddress":"loop@example.com"}],"nextToken":"same"}' }
        @{ Command = 'Get-SSOAccountRoleList -ProfileName sso-dev -AccountId 111122223333'; Operation = 'sso:ListAccountRoles'; Body = '{"roleList":[{"roleName":"Loop","accountId":"111122223333"}],"nextToken":"same"}' }
        @{ Command = 'Sync-AWSSSOProfile -SessionName dev-sso -WhatIf'; Operation = 'sso:ListAccounts'; Body = '{"accountList":[{"accountId":"111122223333","accountName":"Loop","emailAddress":"loop@example.com"}],"nextToken":"same"}' }
    ) {
        Set-Fault @{ operation = $Operation; body = $Body }
        $run = Invoke-Sandboxed { Invoke-Bounded $Command }
        $run.Error.FullyQualifiedErrorId | Should -Be ('PaginationLoop,' + ($Command -split ' ')[0])
        Get-FakeAwsCounter -Fake $Fake -Operation $Operation | Should -BeLessOrEqual 3
    }

    It 'keeps control characters of a service error message out of the ErrorRecord' {
        Set-Fault @{ operation = 'sso:ListAccounts'; status = 400; error_code = 'InvalidRequestException'; message = $Hostile }
        $record = Invoke-Sandboxed { try { Get-SSOAccountList -ProfileName sso-dev | Out-Null } catch { $_ } }
        $record.FullyQualifiedErrorId | Should -Be 'InvalidRequestException,Get-SSOAccountList'
        $record.Exception.Message | Should -Match 'Denied .*hidden'
        Assert-Printable $record.Exception.Message 'the message is the server''s text'
        Assert-Printable ($record | Format-List * -Force | Out-String) 'the record as shown'
        Assert-Printable $record.ToString() 'the record as a string'
    }

    It 'keeps control characters of portal names out of what is shown, and identifiers as they are' {
        Set-Fault @{ operation = 'sso:ListAccounts'; body = '{"accountList":[{"accountId":"111122223333","accountName":"Prod\u001b[8m hidden\u202e","emailAddress":"ops\u001b]52;c;SGVsbG8=\u0007@example.com"}]}' }
        Set-Fault @{ operation = 'sso:ListAccountRoles'; body = '{"roleList":[{"roleName":"Read\u001b[2KOnly","accountId":"111122223333"}]}' }
        $account, $role = Invoke-Sandboxed {
            $a = Get-SSOAccountList -ProfileName sso-dev
            $a
            $a | Get-SSOAccountRoleList -ProfileName sso-dev
        }
        $account.AccountId | Should -Be '111122223333'
        $account.AccountName | Should -Match '^Prod.* hidden'
        Assert-Printable $account.AccountName 'AccountName is for display'
        Assert-Printable $account.EmailAddress 'EmailAddress is for display'
        Assert-Printable ($account | Format-List * | Out-String) 'the account as shown'
        # The role name goes back to the service (GetRoleCredentials): kept, only its display is cleaned.
        $role.RoleName | Should -BeExactly ('Read' + [char]0x1B + '[2KOnly')
        Assert-Printable $role.ToString() 'the role as a string'
        Assert-Printable ($role | Format-Table | Out-String) 'the role as shown'
    }
}

Describe 'Default credential order' {
    BeforeEach { Clear-AWSCredential; Clear-DefaultAWSRegion }

    It 'uses <Expected> when <Case>' -ForEach @(
        @{ Case = 'keys are given with everything else set'; Expected = 'param'; Setup = { Set-AWSCredential -ProfileName named; $env:AWS_ACCESS_KEY_ID = 'AKIDENVKEY00000000'; $env:AWS_SECRET_ACCESS_KEY = 'secret-envkey-0123456789' }; Params = @{ AccessKey = 'AKIDPARAM00000000'; SecretKey = 'secret-param-0123456789'; ProfileName = 'named' } }
        @{ Case = '-ProfileName is given, with a stored credential and env keys'; Expected = 'named'; Setup = { Set-AWSCredential -AccessKey AKIDSTORED00000000 -SecretKey secret-stored-0123456789; $env:AWS_ACCESS_KEY_ID = 'AKIDENVKEY00000000'; $env:AWS_SECRET_ACCESS_KEY = 'secret-envkey-0123456789' }; Params = @{ ProfileName = 'named' } }
        @{ Case = '-Credential is given, with a stored credential'; Expected = 'named'; Setup = { Set-AWSCredential -AccessKey AKIDSTORED00000000 -SecretKey secret-stored-0123456789 }; Params = @{ Credential = 'named' } }
        @{ Case = 'only stored credentials and env keys are set'; Expected = 'stored'; Setup = { Set-AWSCredential -AccessKey AKIDSTORED00000000 -SecretKey secret-stored-0123456789; $env:AWS_ACCESS_KEY_ID = 'AKIDENVKEY00000000'; $env:AWS_SECRET_ACCESS_KEY = 'secret-envkey-0123456789' }; Params = @{} }
        @{ Case = 'env keys are set and AWS_PROFILE is not'; Expected = 'envkey'; Setup = { $env:AWS_PROFILE = $null; $env:AWS_ACCESS_KEY_ID = 'AKIDENVKEY00000000'; $env:AWS_SECRET_ACCESS_KEY = 'secret-envkey-0123456789' }; Params = @{} }
        @{ Case = 'AWS_PROFILE names a profile'; Expected = 'named'; Setup = { $env:AWS_PROFILE = 'named' }; Params = @{} }
        @{ Case = 'nothing is set'; Expected = 'default'; Setup = { $env:AWS_PROFILE = $null }; Params = @{} }
    ) {
        Invoke-Sandboxed {
            . $Setup
            $params = $Params.Clone()
            if ($params.ContainsKey('Credential')) { $params['Credential'] = Get-AWSCredential -ProfileName $params['Credential'] }
            $arn = (Get-STSCallerIdentity @params -EndpointUrl $Fake.Endpoint).Arn
            $arn | Should -Be "arn:aws:iam::999988887777:user/$Expected"
        }
        Clear-AWSCredential
    }

    It 'fails with ObjectNotFound for a profile that does not exist, never falling back' {
        Invoke-Sandboxed {
            $record = $null
            try { Get-STSCallerIdentity -ProfileName 'no-such-profile' } catch { $record = $_ }
            $record.FullyQualifiedErrorId | Should -Be 'ProfileNotFound,Get-STSCallerIdentity'
            $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $record.Exception.Message | Should -Match 'no-such-profile'
        }
    }
}

Describe 'Default region order' {
    BeforeEach { Clear-DefaultAWSRegion }

    It 'takes the region from <Expected> when <Case>' -ForEach @(
        @{ Case = '-Region is given'; Expected = 'the -Region parameter'; Region = 'sa-east-1'; Setup = { Set-DefaultAWSRegion us-west-1; $env:AWS_REGION = 'eu-north-1' }; Params = @{ Region = 'sa-east-1'; ProfileName = 'named' } }
        @{ Case = 'a shell default is set'; Expected = '$StoredAWSRegion'; Region = 'us-west-1'; Setup = { Set-DefaultAWSRegion us-west-1; $env:AWS_REGION = 'eu-north-1' }; Params = @{ ProfileName = 'named' } }
        @{ Case = 'AWS_REGION is set'; Expected = 'AWS_REGION'; Region = 'eu-north-1'; Setup = { $env:AWS_REGION = 'eu-north-1'; $env:AWS_DEFAULT_REGION = 'eu-south-1' }; Params = @{ ProfileName = 'named' } }
        @{ Case = 'AWS_DEFAULT_REGION is set'; Expected = 'AWS_DEFAULT_REGION'; Region = 'eu-south-1'; Setup = { $env:AWS_DEFAULT_REGION = 'eu-south-1' }; Params = @{ ProfileName = 'named' } }
        @{ Case = 'only the selected profile has one'; Expected = "profile 'named'"; Region = 'ca-central-1'; Setup = { }; Params = @{ ProfileName = 'named' } }
        @{ Case = 'the SSO profile is selected'; Expected = "profile 'sso-dev'"; Region = 'eu-west-1'; Setup = { }; Params = @{ ProfileName = 'sso-dev' } }
        @{ Case = 'keys are given: the default profile'; Expected = "profile 'default'"; Region = 'ap-southeast-2'; Setup = { }; Params = @{ AccessKey = 'AKIDPARAM00000000'; SecretKey = 'secret-param-0123456789' } }
    ) {
        Invoke-Sandboxed {
            $env:AWS_PROFILE = $null
            . $Setup
            $debug = Get-STSCallerIdentity @Params -EndpointUrl $Fake.Endpoint -Debug 5>&1 | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message
            $line = $debug | Where-Object { $_ -like 'Region *' }
            $line | Should -Match ("^Region {0} obtained from .*{1}" -f [regex]::Escape($Region), [regex]::Escape($Expected))
        }
    }
}

Describe 'SSO commands and diagnostics' {
    It 'lists accounts and roles and gets role credentials with the cached token' {
        Invoke-Sandboxed {
            $accounts = @(Get-SSOAccountList -ProfileName sso-dev)
            $accounts.AccountId | Should -Contain '111122223333'
            $roles = @($accounts | Where-Object AccountId -EQ '111122223333' | Get-SSOAccountRoleList -ProfileName sso-dev)
            $roles.RoleName | Should -Contain 'ReadOnly'
            $cred = Get-SSORoleCredential -ProfileName sso-dev
            $cred.AccessKeyId | Should -Match '^ASIA'
            $cred.Expiration | Should -BeOfType [datetime]
            $shown = $cred | Out-String
            $shown | Should -Match $cred.AccessKeyId
            $shown | Should -Not -Match ([regex]::Escape($cred.SecretAccessKey))
            $shown | Should -Not -Match ([regex]::Escape($cred.SessionToken))
        }
    }

    It 'works with a token-only profile and with -SessionName alone' {
        Invoke-Sandboxed {
            Add-Content -LiteralPath $env:AWS_CONFIG_FILE -Value "`n[profile token-only]`nsso_session = dev-sso`n"
            try {
                (@(Get-SSOAccountList -ProfileName token-only)).AccountId | Should -Contain '111122223333'
                $bySession = @(Get-SSOAccountList -SessionName dev-sso)
                $bySession.AccountId | Should -Contain '111122223333'
                (@($bySession | Where-Object AccountId -EQ '111122223333' | Get-SSOAccountRoleList)).RoleName | Should -Contain 'ReadOnly'
                (Get-SSORoleCredential -SessionName dev-sso -AccountId 111122223333 -RoleName ReadOnly).AccessKeyId | Should -Match '^ASIA'
                $record = $null
                try { Get-STSCallerIdentity -ProfileName token-only } catch { $record = $_ }
                $record.FullyQualifiedErrorId | Should -Be 'IncompleteSsoProfile,Get-STSCallerIdentity'
                $record.Exception.Message | Should -Match "sso_account_id.*token-only|token-only.*sso_account_id"
            } finally {
                $text = Get-Content -LiteralPath $env:AWS_CONFIG_FILE -Raw
                Set-Content -LiteralPath $env:AWS_CONFIG_FILE -Value ($text -replace "(?s)\r?\n\[profile token-only\].*$", '') -NoNewline
            }
        }
    }

    It 'resolves a relative -ProfileLocation against the current location, not the process directory' {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-rel-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        Set-Content -LiteralPath (Join-Path $dir 'cfg') -Value "[profile relative]`nregion = eu-west-3`n"
        Push-Location -LiteralPath $dir
        try {
            [System.IO.Directory]::GetCurrentDirectory() | Should -Not -Be $dir
            $p = @(Get-AWSCredential -ListProfileDetail -ProfileLocation ./cfg) | Where-Object ProfileName -EQ 'relative'
            $p.Region | Should -Be 'eu-west-3'
        } finally {
            Pop-Location
            Remove-Item -LiteralPath $dir -Recurse -Force
        }
    }

    It 'opens only https, or http on loopback, in the system browser' {
        foreach ($ok in 'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD', 'http://127.0.0.1:8080/authorize', 'http://[::1]:9/x') {
            [AWS.Tools.RustSSO.Interop.Commands]::IsOpenableUrl($ok) | Should -BeTrue -Because $ok
        }
        foreach ($bad in 'http://example.com/login', 'file:///etc/passwd', 'C:\Windows\System32\calc.exe', '/usr/bin/xterm', 'javascript:alert(1)', '') {
            [AWS.Tools.RustSSO.Interop.Commands]::IsOpenableUrl($bad) | Should -BeFalse -Because $bad
        }
    }

    It 'opens no URL that could split into several arguments or hide text' {
        # The probe of the review: a device verification URL that reached the browser as three arguments.
        $hostile = @(
            'https://device.example.com/?user_code=ABCD\" --renderer-cmd-prefix=evil.exe "'
            'https://device.example.com/?user_code=AB CD'
            "https://device.example.com/?user_code=AB`tCD"
            'https://device.example.com/?user_code="ABCD"'
            "https://device.example.com/?user_code='ABCD'"
            'https://device.example.com/a\b'
            ('https://device.example.com/?x=' + [char]0x1B + '[8m')
            ('https://device.example.com/?x=' + [char]0x85)
            ('https://device.example.com/?x=' + [char]0x3000 + '--flag')
            ('https://device.example.com/?x=' + [char]0x202E)
            'http://127.0.0.1:8080/authorize? --flag'
        )
        foreach ($bad in $hostile) {
            [AWS.Tools.RustSSO.Interop.Commands]::IsOpenableUrl($bad) | Should -BeFalse -Because ($bad -replace '[^\x21-\x7e]', '?')
        }
        [AWS.Tools.RustSSO.Interop.Commands]::IsOpenableUrl('https://device.example.com/?user_code=ABCD-EFGH&x=%22%20') | Should -BeTrue
    }

    It 'quotes a browser command''s arguments by the Windows argv rules' -Skip:(-not (Get-Command python3, python -CommandType Application -ErrorAction SilentlyContinue)) {
        $python = (Get-Command python3, python -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source
        $cases = @('plain', 'with space', 'x\" --renderer-cmd-prefix=evil.exe "', 'trailing\', 'C:\Program Files\tool\', 'a\\"b', '"', '', 'a\\\\b c', 'tab	inside', 'back\\slashes\\')
        $code = 'import sys, json; print(json.dumps(sys.argv[1:]))'
        $arguments = (@('-c', $code) + $cases | ForEach-Object { [AWS.Tools.RustSSO.Interop.Commands]::QuoteArgument($_) }) -join ' '
        $info = New-Object System.Diagnostics.ProcessStartInfo -ArgumentList $python, $arguments
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $process = [System.Diagnostics.Process]::Start($info)
        $echoed = $process.StandardOutput.ReadToEnd()
        $process.WaitForExit()
        $received = @($echoed | ConvertFrom-Json)
        $received.Count | Should -Be $cases.Count
        for ($i = 0; $i -lt $cases.Count; $i++) { $received[$i] | Should -BeExactly $cases[$i] }
    }

    It 'says in -Verbose which endpoint was called and in -Debug where credentials came from' {
        Invoke-Sandboxed {
            $records = Get-S3Bucket -ProfileName sso-dev -Verbose -Debug 4>&1 5>&1
            $verbose = $records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ForEach-Object Message
            $debug = $records | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } | ForEach-Object Message
            @($verbose)[0] | Should -Match ([regex]::Escape($Fake.Endpoint) + '.* in \d+ ms')
            $debug | Where-Object { $_ -like 'Credentials*' } | Should -Match "Credentials obtained from SSO profile 'sso-dev' \(sso-session 'dev-sso'\), token valid until \d{4}-"
        }
    }

    It 'lists profile details with the SSO token state, and completes profile and region names' {
        Invoke-Sandboxed {
            $details = @(Get-AWSCredential -ListProfileDetail)
            $sso = $details | Where-Object ProfileName -EQ 'sso-dev'
            $sso.StoreTypeName | Should -Be 'SharedCredentialsFile'
            $sso.SsoSession | Should -Be 'dev-sso'
            $sso.TokenStatus | Should -Be 'valid'
            $sso.TokenExpiresAt | Should -BeOfType [datetime]
            ($details | Where-Object ProfileName -EQ 'named').Kind | Should -Be 'static'
            $completion = TabExpansion2 -inputScript 'Get-S3Bucket -ProfileName na' -cursorColumn 28
            $completion.CompletionMatches.CompletionText | Should -Be @('named')
            $regions = (TabExpansion2 -inputScript 'Get-S3Bucket -Region eu-w' -cursorColumn 25).CompletionMatches.CompletionText
            $regions | Should -Contain 'eu-west-1'
            $login = (TabExpansion2 -inputScript 'Invoke-AWSSSOLogin -ProfileName sso-' -cursorColumn 36).CompletionMatches.CompletionText
            $login | Should -Contain 'sso-dev'
            # Completers are attributes on the parameters: nothing is registered at import.
            $psm1 = [System.IO.File]::ReadAllText((Join-Path (Get-Module AWS.Tools.RustSSO).ModuleBase 'AWS.Tools.RustSSO.psm1'))
            $psm1 | Should -Not -Match 'Register-ArgumentCompleter'
            (Get-Command Get-S3Bucket).Parameters['ProfileName'].Attributes.Where({ $_ -is [System.Management.Automation.ArgumentCompleterAttribute] }).Count | Should -Be 1
        }
    }

    It 'fails with AuthenticationError naming profile, session and fix when the token expired' {
        $expired = New-SsoSandbox -Fake $Fake -ProfileName 'old' -SessionName 'old-sso' -ExpiresIn -60
        try {
            $token = Get-Content -Raw $expired.TokenFile | ConvertFrom-Json
            $token.PSObject.Properties.Remove('refreshToken')
            Set-Content -LiteralPath $expired.TokenFile -Value (ConvertTo-Json $token -Compress) -NoNewline
            Invoke-InSsoSandbox -Sandbox $expired {
                $record = $null
                try { Get-S3Bucket -ProfileName old } catch { $record = $_ }
                $record.CategoryInfo.Category | Should -Be 'AuthenticationError'
                $record.FullyQualifiedErrorId | Should -Be 'SsoTokenExpired,Get-S3Bucket'
                $record.Exception | Should -BeOfType [System.UnauthorizedAccessException]
                foreach ($needle in "'old'", "'old-sso'", 'Invoke-AWSSSOLogin -ProfileName old', 'aws sso login --sso-session old-sso') {
                    $record.Exception.Message | Should -Match ([regex]::Escape($needle))
                }
            }
        } finally { Remove-SsoSandbox -Sandbox $expired }
    }

    It 'fails with PermissionDenied for a role the user does not have' {
        Add-Content -LiteralPath $Sandbox.ConfigFile -Value "`n[profile denied]`nsso_session = dev-sso`nsso_account_id = 111122223333`nsso_role_name = NotMine`n"
        Invoke-Sandboxed {
            $record = $null
            try { Get-S3Bucket -ProfileName denied } catch { $record = $_ }
            $record.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $record.Exception.Message | Should -Match 'NotMine'
        }
    }

    It 'rejects empty, blank and very long values with InvalidArgument' {
        foreach ($value in '', '   ', ('x' * 5000)) {
            $record = $null
            try { Get-S3Bucket -ProfileName $value } catch { $record = $_ }
            $record | Should -Not -BeNullOrEmpty
            $record.CategoryInfo.Category | Should -Be 'InvalidArgument'
        }
        $record = $null
        try { Invoke-Sandboxed { Get-S3Bucket -ProfileName '../../etc/passwd' } } catch { $record = $_ }
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Credential export' {
    It 'prints the credentials in the CLI formats' {
        Invoke-Sandboxed {
            $json = Export-AWSCredential -ProfileName sso-dev -Format Process
            $json | Should -Match '"Expiration":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"'
            $process = $json | ConvertFrom-Json
            $process.Version | Should -Be 1
            $process.AccessKeyId | Should -Match '^ASIA'
            $process.SecretAccessKey | Should -Not -BeNullOrEmpty
            $ps = Export-AWSCredential -ProfileName sso-dev -Format PowerShell
            # Single-quoted: Invoke-Expression expands nothing in a value.
            $ps[0] | Should -Be ("`$Env:AWS_ACCESS_KEY_ID='{0}'" -f $process.AccessKeyId)
            (Export-AWSCredential -ProfileName sso-dev -Format Env)[1] | Should -Match '^export AWS_SECRET_ACCESS_KEY='
            (Export-AWSCredential -ProfileName sso-dev -Format WindowsCmd)[0] | Should -Match '^set "AWS_ACCESS_KEY_ID='
        }
    }

    It 'refuses, in every format, credentials from a credential_process that would run code in a shell, naming the field only' {
        # The probe of the review: a secret with U+2019 (PowerShell ends '...' there too) and a
        # token with $(...) and &. Written as JSON escapes, so the process prints ASCII only.
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-hostile-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        $answer = Join-Path $dir 'answer.json'
        [System.IO.File]::WriteAllText($answer, '{"Version":1,"AccessKeyId":"ASIAHOSTILE000000001","SecretAccessKey":"abc\u2019; Write-Output PWNED; \u2019","SessionToken":"tok$(Write-Output PWNED)&echo PWNED","Expiration":"2099-01-01T00:00:00Z"}')
        $pwsh = Get-ShellPath
        Add-Content -LiteralPath $Sandbox.ConfigFile -Value "`n[profile hostile-process]`ncredential_process = `"$pwsh`" -NoProfile -NonInteractive -Command `"Get-Content -Raw -LiteralPath '$answer'`"`n"
        try {
            Invoke-Sandboxed {
                foreach ($format in 'Process', 'PowerShell', 'Env', 'EnvNoExport', 'WindowsCmd') {
                    $record = $null; $out = @()
                    try { $out = @(Export-AWSCredential -ProfileName hostile-process -Format $format) } catch { $record = $_ }
                    $out.Count | Should -Be 0 -Because "nothing is written in format $format"
                    $record.FullyQualifiedErrorId | Should -Be 'InvalidCredentialValue,Export-AWSCredential' -Because "format $format"
                    $record.CategoryInfo.Category | Should -Be 'InvalidData'
                    $record.Exception.Message | Should -Match '\bSecretAccessKey\b'
                    $shown = ($record | Format-List * -Force | Out-String) + $record.Exception.ToString()
                    $shown.Contains([string][char]0x2019) | Should -BeFalse -Because 'the error never quotes the value'
                    $shown | Should -Not -Match 'PWNED'
                }
            }
        } finally {
            $text = Get-Content -LiteralPath $Sandbox.ConfigFile -Raw
            Set-Content -LiteralPath $Sandbox.ConfigFile -Value ($text -replace "(?s)\r?\n\[profile hostile-process\].*$", '') -NoNewline
            Remove-Item -LiteralPath $dir -Recurse -Force -ErrorAction SilentlyContinue
        }
    }

    It 'refuses a <Field> that is not of its alphabet in every format' -ForEach @(
        @{ Field = 'AccessKeyId'; Key = 'AKID; calc'; Secret = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY'; Token = $null }
        @{ Field = 'SecretAccessKey'; Key = 'AKIDEXAMPLESTATIC'; Secret = "it's%PATH%"; Token = $null }
        @{ Field = 'SessionToken'; Key = 'AKIDEXAMPLESTATIC'; Secret = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY'; Token = 'FwoGZX$(Write-Output PWNED)&echo PWNED' }
        @{ Field = 'SessionToken'; Key = 'AKIDEXAMPLESTATIC'; Secret = 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY'; Token = "FwoGZX`nexport PWNED=1" }
    ) {
        $credential = [AWS.Tools.RustSSO.AWSCredentials]::FromKeys($Key, $Secret, $Token)
        foreach ($format in 'Process', 'PowerShell', 'Env', 'EnvNoExport', 'WindowsCmd') {
            $record = $null; $out = @()
            try { $out = @(Export-AWSCredential -Credential $credential -Format $format) } catch { $record = $_ }
            $out.Count | Should -Be 0 -Because "nothing is written in format $format"
            $record.FullyQualifiedErrorId | Should -Be 'InvalidCredentialValue,Export-AWSCredential' -Because "format $format"
            $record.Exception.Message | Should -Match "\b$Field\b"
            $record.Exception.Message | Should -Not -Match 'PWNED|calc|PATH'
        }
    }

    It 'quotes values so that each shell reads back exactly what was exported' {
        # Every character a key id, a base64 secret or token (and its URL-safe variant) can hold.
        $key = 'AKIDEXAMPLESTATIC'
        $secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCY-EX_AMPLE=='
        $token = 'IQoJb3JpZ2luX2VjE/v+//////////wEaCXVzLWVhc3QtMSJH-_MEUCIQD=='
        $credential = [AWS.Tools.RustSSO.AWSCredentials]::FromKeys($key, $secret, $token)
        $names = 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'
        $saved = @{}
        foreach ($name in $names) { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
        try {
            & { Export-AWSCredential -Credential $credential -Format PowerShell | Invoke-Expression }
            $env:AWS_ACCESS_KEY_ID | Should -BeExactly $key
            $env:AWS_SECRET_ACCESS_KEY | Should -BeExactly $secret
            $env:AWS_SESSION_TOKEN | Should -BeExactly $token
        } finally {
            foreach ($name in $names) { Set-TestEnvironmentVariable -Name $name -Value $saved[$name] }
        }
        $bash = Get-Command bash -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($bash) {
            foreach ($format in 'Env', 'EnvNoExport') {
                $lines = @(Export-AWSCredential -Credential $credential -Format $format)
                $script = ($lines -join "`n") + "`nprintf '%s\n' `"`$AWS_ACCESS_KEY_ID`" `"`$AWS_SECRET_ACCESS_KEY`" `"`$AWS_SESSION_TOKEN`""
                $echoed = @(& $bash.Source -c $script)
                $echoed | Should -Be @($key, $secret, $token) -Because "format $format"
            }
        }
        if ($IsWindows -or $PSVersionTable.PSEdition -eq 'Desktop') {
            $lines = @(Export-AWSCredential -Credential $credential -Format WindowsCmd)
            $batch = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-export-' + [guid]::NewGuid().ToString('n') + '.cmd')
            Set-Content -LiteralPath $batch -Value (@('@echo off') + $lines + @('echo(%AWS_ACCESS_KEY_ID%', 'echo(%AWS_SECRET_ACCESS_KEY%', 'echo(%AWS_SESSION_TOKEN%')) -Encoding ascii
            try { @(& cmd.exe /d /c $batch) | Should -Be @($key, $secret, $token) } finally { Remove-Item -LiteralPath $batch -ErrorAction SilentlyContinue }
        }
    }

    It 'exports long-term keys (no session token, no expiration) in every format without an error' {
        $file = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-static-' + [guid]::NewGuid().ToString('n'))
        Set-Content -LiteralPath $file -Value "[static]`naws_access_key_id = AKIDLONGTERMEXAMPLE`naws_secret_access_key = long-term-secret-example`n"
        try {
            foreach ($format in 'Process', 'PowerShell', 'Env', 'EnvNoExport', 'WindowsCmd') {
                $exportErrors = $null
                $out = @(Export-AWSCredential -ProfileName static -ProfileLocation $file -Format $format -ErrorVariable exportErrors 2>&1)
                @($exportErrors).Count | Should -Be 0 -Because "format $format"
                @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -Be 0
                ($out -join "`n") | Should -Not -Match 'SESSION_TOKEN|SessionToken|EXPIRATION|Expiration'
            }
            $doc = Export-AWSCredential -ProfileName static -ProfileLocation $file -Format Process | ConvertFrom-Json
            $doc.Version | Should -Be 1
            $doc.AccessKeyId | Should -Be 'AKIDLONGTERMEXAMPLE'
            @($doc.PSObject.Properties.Name) | Should -Be @('Version', 'AccessKeyId', 'SecretAccessKey')
        } finally {
            Remove-Item -LiteralPath $file -ErrorAction SilentlyContinue
        }
    }

    It 'serves as a credential_process for the AWS CLI' {
        $pwsh = Get-ShellPath
        $moduleManifest = Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psd1'
        Add-Content -LiteralPath $Sandbox.ConfigFile -Value "`n[profile via-process]`ncredential_process = `"$pwsh`" -NoProfile -NonInteractive -Command `"Import-Module '$moduleManifest'; Export-AWSCredential -ProfileName sso-dev -Format Process`"`n"
        Invoke-Sandboxed {
            $python = Get-PythonWithBoto3
            $arn = & $python -c "import boto3; print(boto3.Session(profile_name='via-process').client('sts', endpoint_url='$($Fake.Endpoint)', region_name='us-east-1').get_caller_identity()['Arn'])"
            $LASTEXITCODE | Should -Be 0
            $arn | Should -Match 'assumed-role/AWSReservedSSO_ReadOnly'
        }
    }
}

Describe 'Mocking by users' {
    It 'supports Mock -ModuleName and Mock from a script that imports the module' {
        $dir = Join-Path ([System.IO.Path]::GetTempPath()) ('rustsso-mock-' + [guid]::NewGuid().ToString('n'))
        New-Item -ItemType Directory -Path $dir | Out-Null
        try {
            Set-Content -LiteralPath (Join-Path $dir 'Report.ps1') -Value @'
Import-Module AWS.Tools.RustSSO
function Get-BucketReport { (Get-S3Bucket -ProfileName prod).BucketName -join ',' }
'@
            Set-Content -LiteralPath (Join-Path $dir 'Report.Tests.ps1') -Value @'
BeforeAll { . (Join-Path $PSScriptRoot 'Report.ps1') }
Describe 'a user script' {
    It 'mocks Get-S3Bucket seen from the script' {
        Mock Get-S3Bucket { [pscustomobject]@{ BucketName = 'mocked-a' }; [pscustomobject]@{ BucketName = 'mocked-b' } }
        Get-BucketReport | Should -Be 'mocked-a,mocked-b'
        Should -Invoke Get-S3Bucket -Times 1 -ParameterFilter { $ProfileName -eq 'prod' }
    }
    It 'mocks Get-S3Bucket inside the module' {
        Mock Get-S3Bucket -ModuleName AWS.Tools.RustSSO { [pscustomobject]@{ BucketName = 'inside' } }
        (& (Get-Module AWS.Tools.RustSSO) { Get-S3Bucket -ProfileName x }).BucketName | Should -Be 'inside'
        Should -Invoke Get-S3Bucket -ModuleName AWS.Tools.RustSSO -Times 1
    }
    It 'mocks with the typed objects the help topic shows' {
        Mock Get-S3Bucket { [AWS.Tools.RustSSO.S3Bucket]@{ BucketName = 'typed'; CreationDate = [datetime]'2024-01-02'; BucketRegion = 'eu-west-1' } }
        Mock Get-STSCallerIdentity { [AWS.Tools.RustSSO.CallerIdentity]@{ Account = '111122223333'; Arn = 'arn:aws:iam::111122223333:user/t' } }
        $bucket = Get-S3Bucket -ProfileName prod
        $bucket | Should -BeOfType ([AWS.Tools.RustSSO.S3Bucket])
        $bucket.BucketRegion | Should -Be 'eu-west-1'
        ($bucket | Format-Table | Out-String) | Should -Match 'typed'
        (Get-STSCallerIdentity).Account | Should -Be '111122223333'
    }
}
'@
            $run = Invoke-ChildPwsh -Script "Import-Module Pester -MinimumVersion 5.7.1; `$r = Invoke-Pester -Path '$dir' -PassThru -Output None; '{0}/{1}' -f `$r.PassedCount, `$r.FailedCount"
            $run.StdOut.Trim() | Should -Be '3/0' -Because $run.StdErr
        } finally { Remove-Item -Recurse -Force $dir -ErrorAction SilentlyContinue }
    }
}
