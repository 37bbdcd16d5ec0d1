# Windows PowerShell 5.1 stays supported: the shipped module script and its sources under
# powershell/src use no syntax, and no cmdlet parameter, that only PowerShell 7 has. The checker
# walks the AST as PowerShell 7 parses it (the nodes for ??, ?. and the ternary exist only
# there), so this file runs under PowerShell 7, as build.ps1 runs Pester. The checker proves it can
# fail: every construct it looks for is fed through it in the self-check below.

BeforeDiscovery {
    $script:Sources = @(Get-ChildItem -LiteralPath (Join-Path (Split-Path -Parent $PSScriptRoot) 'powershell/src') -Filter '*.ps1' |
            Sort-Object Name | ForEach-Object { @{ Name = $_.Name; Path = $_.FullName } })

    # One line of PowerShell-7-only code per construct, and the rule the checker must report for it.
    $script:Forbidden = @(
        @{ Rule = 'NullCoalescing'; Code = '$a = $b ?? ''x''' }
        @{ Rule = 'NullCoalescingAssignment'; Code = '$a ??= ''x''' }
        @{ Rule = 'NullConditional'; Code = '$c = ${b}?.Name' }
        @{ Rule = 'NullConditional'; Code = '$c = ${b}?.ToString()' }
        @{ Rule = 'NullConditional'; Code = '$c = ${b}?[0]' }
        @{ Rule = 'VariableNameEndsWithQuestionMark'; Code = '$c = $b?.Name' }
        @{ Rule = 'Ternary'; Code = '$d = $a ? 1 : 2' }
        @{ Rule = 'PipelineChain'; Code = 'Get-Item . && Get-Item .' }
        @{ Rule = 'PipelineChain'; Code = 'Get-Item . || Write-Warning no' }
        @{ Rule = 'BackgroundOperator'; Code = 'Start-Sleep 1 &' }
        @{ Rule = 'CleanBlock'; Code = 'function f { process { $_ } clean { } }' }
        @{ Rule = 'Ps7OnlyParameter'; Code = '1..2 | ForEach-Object -Parallel { $_ }' }
        @{ Rule = 'Ps7OnlyParameter'; Code = '1..2 | % -Para { $_ } -ThrottleLimit 2' }
        @{ Rule = 'Ps7OnlyParameter'; Code = '1..2 | foreach -AsJob -Parallel { $_ }' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'ConvertFrom-Json -InputObject $j -AsHashtable' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'ConvertFrom-Json $j -AsHash' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Microsoft.PowerShell.Utility\ConvertFrom-Json $j -Depth 10' }
        @{ Rule = 'Ps7OnlyParameter'; Code = '$j | ConvertFrom-Json -DateKind String' }
        @{ Rule = 'Ps7OnlyParameter'; Code = '$j | ConvertFrom-Json -NoEnumerate' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'ConvertTo-Json $o -EnumsAsStrings' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'ConvertTo-Json $o -AsArray' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'ConvertTo-Json $o -EscapeHandling EscapeNonAscii' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Get-Content -LiteralPath $p -AsByteStream' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'gc $p -AsByte' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Set-Content -LiteralPath $p -Value $b -AsByteStream' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Add-Content -LiteralPath $p -Value $b -AsByteStream' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Invoke-RestMethod -Uri $u -SkipCertificateCheck' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'irm $u -SkipCert' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Invoke-RestMethod -Uri $u -Authentication Bearer -Token $t' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Invoke-RestMethod -Uri $u -StatusCodeVariable s' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Invoke-RestMethod -Uri $u -ResponseHeadersVariable h' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Invoke-RestMethod -Uri $u -RHV h' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Invoke-RestMethod -Uri $u -SkipHttpErrorCheck' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Invoke-RestMethod -Uri $u -Skip' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Invoke-WebRequest -Uri $u -SkipCertificateCheck' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'iwr -Uri $u -SkipHttpErrorCheck -MaximumRetryCount 3' }
        @{ Rule = 'Ps7OnlyParameter'; Code = '$a | Select-Object -SkipIndex 0' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Join-Path $a b c -AdditionalChildPath d' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Start-Process -FilePath $f -Environment @{ A = 1 }' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Get-ChildItem -Recurse -FollowSymlink' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Split-Path $p -LeafBase' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Get-Date -AsUTC' }
        @{ Rule = 'Ps7OnlyParameter'; Code = '$a | Sort-Object -Top 3' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Start-Sleep -Duration $ts' }
        @{ Rule = 'Ps7OnlyParameter'; Code = 'Write-Output 1 -ProgressAction SilentlyContinue' }
        @{ Rule = 'Ps7OnlyCommand'; Code = 'Test-Json -Json $j' }
        @{ Rule = 'Ps7OnlyCommand'; Code = 'Get-Error' }
        @{ Rule = 'Ps7OnlyCommand'; Code = '$a | Join-String -Separator '', ''' }
        @{ Rule = 'Ps7OnlyEncoding'; Code = '$t | Out-File -LiteralPath $p -Encoding utf8NoBOM' }
        @{ Rule = 'Ps7OnlyEncoding'; Code = 'Set-Content -LiteralPath $p -Value $t -Encoding:utf8BOM' }
        @{ Rule = 'Ps7OnlyEncoding'; Code = 'Add-Content -LiteralPath $p -Value $t -Encoding ansi' }
        @{ Rule = 'Ps7OnlyEncoding'; Code = 'Set-Content -LiteralPath $p -Value $t -Encoding 65001' }
        @{ Rule = 'Ps7OnlyEncoding'; Code = 'Out-File -LiteralPath $p -Enc ([System.Text.Encoding]::UTF8)' }
        @{ Rule = 'EscapeSequence'; Code = '"`e[0m"' }
        @{ Rule = 'EscapeSequence'; Code = '"`u{2713}"' }
        @{ Rule = 'NumberLiteral'; Code = '$n = 0b1010' }
        @{ Rule = 'NumberLiteral'; Code = '$n = 1uy + 2u + 3s + 4n' }
        @{ Rule = 'ReplaceScriptBlock'; Code = '''abc'' -replace ''b'', { $_.Value.ToUpper() }' }
        @{ Rule = 'GenericMethodCall'; Code = '$x.Method[string]()' }
    )

    # Code that Windows PowerShell 5.1 runs: the checker must report nothing for it.
    $script:Allowed = @(
        @{ Code = 'Invoke-RestMethod -Uri $u -TimeoutSec 5 -Method Post -Body $b -ContentType application/json' }
        @{ Code = 'Invoke-WebRequest -Uri $u -UseBasicParsing -Timeout 5' }
        @{ Code = 'ConvertTo-Json -InputObject $o -Depth 4 -Compress' }
        @{ Code = 'ConvertFrom-Json -InputObject $j @splat' }
        @{ Code = '$t | Out-File -LiteralPath $p -Encoding utf8; Get-Content -Raw -Encoding UTF8 -LiteralPath $p' }
        @{ Code = 'Set-Content -LiteralPath $p -Value $t -Encoding $encodingName -NoNewline' }
        @{ Code = '$a | Select-Object -Skip 1 -First 2 -Last 1 -Index 0' }
        @{ Code = 'Join-Path $a $b; Start-Process -FilePath x -ArgumentList y -Wait -NoNewWindow' }
        @{ Code = '1..2 | ForEach-Object -Process { $_ } -Begin { } -End { }; 1..2 | % { $_ }' }
        @{ Code = '"a`tb`n`$x"; ''`e'' + "``e"' }
        @{ Code = '$n = 0x1F + 10kb + 1d + 1l + 1.5e3 + 0xFFl' }
        @{ Code = '$x.''?''; $h = @{}; $h[''a''] = 1; if ($a -and $b) { } elseif (-not $a -or $b) { }' }
        @{ Code = '''abc'' -replace ''b'', ''c''; [System.Collections.Generic.List[string]]::new()' }
        @{ Code = 'cmd.exe /c "a && b"; $x = $(if ($a) { 1 } else { 2 })' }
        @{ Code = 'function f { [CmdletBinding()] param() begin { } process { } end { } }' }
    )
}

BeforeAll {
    # Cmdlets that PowerShell 7 has and Windows PowerShell 5.1 does not.
    $script:Ps7OnlyCommands = @(
        'Test-Json', 'Get-Error', 'Join-String', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'ConvertFrom-Markdown',
        'Show-Markdown', 'Get-MarkdownOption', 'Set-MarkdownOption', 'Get-ExperimentalFeature', 'Enable-ExperimentalFeature',
        'Disable-ExperimentalFeature', 'ConvertTo-CliXml', 'ConvertFrom-CliXml', 'Get-PSSubsystem')

    # Parameters that PowerShell 7 added to cmdlets that Windows PowerShell 5.1 also has.
    $script:Ps7OnlyParameters = @{
        'ConvertFrom-Json'  = @('AsHashtable', 'Depth', 'DateKind', 'NoEnumerate')
        'ConvertTo-Json'    = @('EnumsAsStrings', 'AsArray', 'EscapeHandling')
        'Get-Content'       = @('AsByteStream')
        'Set-Content'       = @('AsByteStream')
        'Add-Content'       = @('AsByteStream')
        'Invoke-RestMethod' = @('SkipCertificateCheck', 'Authentication', 'Token', 'AllowUnencryptedAuthentication', 'SslProtocol',
            'SkipHeaderValidation', 'SkipHttpErrorCheck', 'StatusCodeVariable', 'ResponseHeadersVariable', 'FollowRelLink',
            'MaximumFollowRelLink', 'MaximumRetryCount', 'RetryIntervalSec', 'Resume', 'CustomMethod', 'NoProxy', 'Form',
            'PreserveAuthorizationOnRedirect', 'HttpVersion', 'ConnectionTimeoutSeconds', 'OperationTimeoutSeconds',
            'AllowInsecureRedirect', 'PreserveHttpMethodOnRedirect', 'UnixSocket')
        'Invoke-WebRequest' = @('SkipCertificateCheck', 'Authentication', 'Token', 'AllowUnencryptedAuthentication', 'SslProtocol',
            'SkipHeaderValidation', 'SkipHttpErrorCheck', 'MaximumRetryCount', 'RetryIntervalSec', 'Resume', 'CustomMethod',
            'NoProxy', 'Form', 'PreserveAuthorizationOnRedirect', 'HttpVersion', 'ConnectionTimeoutSeconds',
            'OperationTimeoutSeconds', 'AllowInsecureRedirect', 'PreserveHttpMethodOnRedirect', 'UnixSocket')
        'Select-Object'     = @('SkipIndex', 'CaseInsensitive')
        'Join-Path'         = @('AdditionalChildPath')
        'Start-Process'     = @('Environment')
        'ForEach-Object'    = @('Parallel', 'ThrottleLimit', 'TimeoutSeconds', 'AsJob', 'UseNewRunspace')
        'Get-ChildItem'     = @('FollowSymlink')
        'Split-Path'        = @('LeafBase', 'Extension')
        'Export-Csv'        = @('IncludeTypeInformation', 'QuoteFields', 'UseQuotes', 'NoHeader')
        'ConvertTo-Csv'     = @('IncludeTypeInformation', 'QuoteFields', 'UseQuotes', 'NoHeader')
        'Get-Date'          = @('AsUTC', 'UnixTimeSeconds')
        'Sort-Object'       = @('Stable', 'Top', 'Bottom')
        'Measure-Object'    = @('StandardDeviation', 'AllStats')
        'Get-Random'        = @('Shuffle')
        'Select-String'     = @('Raw', 'NoEmphasis', 'Culture')
        'Out-String'        = @('NoNewline')
        'Start-Sleep'       = @('Duration')
        'Import-Module'     = @('SkipEditionCheck', 'UseWindowsPowerShell')
        'Resolve-Path'      = @('RelativeBasePath')
        'Tee-Object'        = @('Encoding')
        'Get-Command'       = @('UseFuzzyMatching', 'FuzzyMinimumDistance', 'UseAbbreviationExpansion')
        'Format-Hex'        = @('Count', 'Offset')
        'Start-Job'         = @('WorkingDirectory')
    }
    # Every command (cmdlets and advanced functions alike) has these common parameters in 7 only.
    $script:Ps7OnlyCommonParameters = @('ProgressAction')
    # Names that Windows PowerShell 5.1 has for a parameter that PowerShell 7 renamed (still aliases).
    $script:Ps51Aliases = @{
        'Invoke-RestMethod' = @{ ConnectionTimeoutSeconds = 'TimeoutSec' }
        'Invoke-WebRequest' = @{ ConnectionTimeoutSeconds = 'TimeoutSec' }
    }
    # The -Encoding values Windows PowerShell 5.1 accepts (FileSystemCmdletProviderEncoding and
    # Out-File's set); utf8NoBOM, utf8BOM, ansi, code pages and Encoding objects are 7 only.
    $script:EncodingCommands = @('Out-File', 'Set-Content', 'Add-Content', 'Get-Content', 'Export-Csv', 'Import-Csv',
        'Select-String', 'Export-Clixml', 'Format-Hex', 'Send-MailMessage')
    $script:Ps51Encodings = @('Unknown', 'String', 'Unicode', 'Byte', 'BigEndianUnicode', 'UTF8', 'UTF7', 'UTF32', 'ASCII',
        'Default', 'OEM', 'BigEndianUTF32')
    # Aliases that Windows PowerShell 5.1 defines (some are missing on PowerShell 7 for Linux).
    $script:Ps51CommandAliases = @{
        '%' = 'ForEach-Object'; 'foreach' = 'ForEach-Object'; 'select' = 'Select-Object'; 'gc' = 'Get-Content'; 'cat' = 'Get-Content'
        'type' = 'Get-Content'; 'sc' = 'Set-Content'; 'ac' = 'Add-Content'; 'irm' = 'Invoke-RestMethod'; 'iwr' = 'Invoke-WebRequest'
        'curl' = 'Invoke-WebRequest'; 'wget' = 'Invoke-WebRequest'; 'start' = 'Start-Process'; 'saps' = 'Start-Process'
        'sort' = 'Sort-Object'; 'measure' = 'Measure-Object'; 'sls' = 'Select-String'; 'gci' = 'Get-ChildItem'; 'ls' = 'Get-ChildItem'
        'dir' = 'Get-ChildItem'; 'tee' = 'Tee-Object'; 'sleep' = 'Start-Sleep'; 'ipmo' = 'Import-Module'; 'rvpa' = 'Resolve-Path'
        'gcm' = 'Get-Command'; 'fhx' = 'Format-Hex'; 'epcsv' = 'Export-Csv'; 'ipcsv' = 'Import-Csv'; 'sajb' = 'Start-Job'
        'gerr' = 'Get-Error'
    }
    $script:ParameterMetadataCache = @{}

    function Get-Ps7ParameterMetadata {
        # The cmdlet's parameters as this PowerShell 7 has them (name -> ParameterMetadata), or $null.
        param([Parameter(Mandatory)] [string] $CommandName)
        if (-not $script:ParameterMetadataCache.ContainsKey($CommandName)) {
            $command = Get-Command -Name $CommandName -CommandType Cmdlet -ErrorAction Ignore | Select-Object -First 1
            $script:ParameterMetadataCache[$CommandName] = if ($command) { $command.Parameters } else { $null }
        }
        $script:ParameterMetadataCache[$CommandName]
    }

    function Resolve-Ps7OnlyParameter {
        # The PowerShell-7-only parameter that -Name means on the cmdlet, or $null. -Name is matched
        # as PowerShell binds it: a name or alias exactly, else an unambiguous prefix of one.
        param([Parameter(Mandatory)] [string] $CommandName, [Parameter(Mandatory)] [string] $Name)
        $forbidden = @($script:Ps7OnlyCommonParameters)
        if ($script:Ps7OnlyParameters.ContainsKey($CommandName)) { $forbidden += $script:Ps7OnlyParameters[$CommandName] }
        $metadata = Get-Ps7ParameterMetadata -CommandName $CommandName
        if (-not $metadata) {
            # Not a cmdlet here (a function, or a cmdlet this platform lacks): the listed names only.
            if ($CommandName -notmatch '^\w+-\w+$') { return $null }
            $exact = @($forbidden | Where-Object { $_ -eq $Name -or ($_ -eq 'ProgressAction' -and $Name -eq 'proga') })
            if ($exact) { return $exact[0] }
            $prefixed = @($forbidden | Where-Object { $Name.Length -ge 3 -and $_.StartsWith($Name, [System.StringComparison]::OrdinalIgnoreCase) })
            if ($prefixed.Count -eq 1 -and ($prefixed[0] -ne 'ProgressAction' -or $Name.Length -ge 9)) { return $prefixed[0] }
            return $null
        }
        $exact = $null
        $candidates = [System.Collections.Generic.List[string]]::new()
        foreach ($parameter in $metadata.Values) {
            $names = @($parameter.Name) + @($parameter.Aliases)
            if ($names -contains $Name) { $exact = $parameter.Name; break }
            if (@($names | Where-Object { $_.StartsWith($Name, [System.StringComparison]::OrdinalIgnoreCase) }).Count) { $candidates.Add($parameter.Name) }
        }
        $meant = @(if ($exact) { $exact } else { $candidates })
        # Ambiguous in PowerShell 7 too: reported only when every candidate is 7 only.
        if ($meant.Count -eq 0 -or @($meant | Where-Object { $_ -notin $forbidden }).Count) { return $null }
        if ($meant.Count -eq 1 -and $script:Ps51Aliases.ContainsKey($CommandName) -and $script:Ps51Aliases[$CommandName].ContainsKey($meant[0]) -and
            $script:Ps51Aliases[$CommandName][$meant[0]].StartsWith($Name, [System.StringComparison]::OrdinalIgnoreCase)) { return $null }
        $meant -join '/'
    }

    function Resolve-CommandName {
        # A command name without its module qualifier, with the aliases of 5.1 and of this session resolved.
        param([Parameter(Mandatory)] [string] $Name)
        $bare = $Name -replace '^.*\\', ''
        if ($script:Ps51CommandAliases.ContainsKey($bare)) { return $script:Ps51CommandAliases[$bare] }
        $alias = Get-Alias -Name $bare -ErrorAction Ignore
        if ($alias) { return $alias.ResolvedCommandName }
        $bare
    }

    function Test-EscapeSequence {
        # True when the source text of an expandable string uses `e or `u{...} (PowerShell 6+;
        # escapes are case-sensitive, `E and `U are plain letters).
        param([string] $Text)
        for ($i = 0; $i -lt $Text.Length - 1; $i++) {
            if ($Text[$i] -ne '`') { continue }
            $next = $Text[$i + 1]
            if ($next -ceq 'e') { return $true }
            if ($next -ceq 'u' -and $i + 2 -lt $Text.Length -and $Text[$i + 2] -eq '{') { return $true }
            $i++
        }
        $false
    }

    function Find-Ps7OnlySyntax {
        # Parses a file (or text) and returns one finding per PowerShell-7-only construct: File,
        # Line, Column, Rule, Message and the code. Parse errors are findings too.
        [CmdletBinding(DefaultParameterSetName = 'Path')]
        param(
            [Parameter(Mandatory, ParameterSetName = 'Path')] [string] $Path,
            [Parameter(Mandatory, ParameterSetName = 'Text')] [string] $ScriptText,
            [string] $DisplayName
        )
        $tokens = $null; $errors = $null
        if ($PSCmdlet.ParameterSetName -eq 'Path') {
            $root = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
            if (-not $DisplayName) { $DisplayName = $Path }
        } else {
            $root = [System.Management.Automation.Language.Parser]::ParseInput($ScriptText, [ref]$tokens, [ref]$errors)
            if (-not $DisplayName) { $DisplayName = '<text>' }
        }
        $findings = [System.Collections.Generic.List[object]]::new()
        $add = {
            param($Extent, [string] $Rule, [string] $Message)
            $code = ($Extent.Text -split "`r?`n")[0]
            if ($code.Length -gt 80) { $code = $code.Substring(0, 77) + '...' }
            $findings.Add([pscustomobject]@{
                    File = $DisplayName; Line = $Extent.StartLineNumber; Column = $Extent.StartColumnNumber; Rule = $Rule; Message = $Message; Code = $code
                })
        }
        foreach ($parseError in $errors) { & $add $parseError.Extent 'ParseError' "does not parse: $($parseError.Message)" }

        foreach ($node in $root.FindAll({ $true }, $true)) {
            switch ($node.GetType().Name) {
                'BinaryExpressionAst' {
                    if ($node.Operator -eq 'QuestionQuestion') { & $add $node.Extent 'NullCoalescing' "the null-coalescing operator '??'" }
                    elseif ($node.Operator -in 'Ireplace', 'Creplace' -and $node.Right -is [System.Management.Automation.Language.ArrayLiteralAst] -and
                        @($node.Right.Elements).Count -eq 2 -and $node.Right.Elements[1] -is [System.Management.Automation.Language.ScriptBlockExpressionAst]) {
                        & $add $node.Extent 'ReplaceScriptBlock' '-replace with a script block as the substitute'
                    }
                }
                'AssignmentStatementAst' {
                    if ($node.Operator -eq 'QuestionQuestionEquals') { & $add $node.Extent 'NullCoalescingAssignment' "the null-coalescing assignment '??='" }
                }
                { $_ -in 'MemberExpressionAst', 'InvokeMemberExpressionAst' } {
                    if ($node.NullConditional) { & $add $node.Extent 'NullConditional' "the null-conditional member access '?.'" }
                    if ($node -is [System.Management.Automation.Language.InvokeMemberExpressionAst] -and $node.PSObject.Properties['GenericTypeArguments'] -and $null -ne $node.GenericTypeArguments -and $node.GenericTypeArguments.Count -gt 0) {
                        & $add $node.Extent 'GenericMethodCall' 'a generic method call with explicit type arguments'
                    }
                }
                'IndexExpressionAst' {
                    if ($node.NullConditional) { & $add $node.Extent 'NullConditional' "the null-conditional index '?['" }
                }
                'TernaryExpressionAst' { & $add $node.Extent 'Ternary' "the ternary operator 'a ? b : c'" }
                'PipelineChainAst' {
                    & $add $node.Extent 'PipelineChain' "the pipeline chain operator '$(if ($node.Operator -eq 'AndAnd') { '&&' } else { '||' })'"
                    if ($node.Background) { & $add $node.Extent 'BackgroundOperator' "the background operator '&'" }
                }
                'PipelineAst' {
                    if ($node.Background) { & $add $node.Extent 'BackgroundOperator' "the background operator '&'" }
                }
                'NamedBlockAst' {
                    if ($node.BlockKind -eq 'Clean') { & $add $node.Extent 'CleanBlock' "a 'clean' block" }
                }
                'VariableExpressionAst' {
                    if ($node.VariablePath.UserPath.EndsWith('?')) {
                        & $add $node.Extent 'VariableNameEndsWithQuestionMark' "the variable '$($node.VariablePath.UserPath)' (to mean null-conditional access, which is 7 only anyway, write `${name}?.)"
                    }
                }
                'CommandAst' {
                    $written = $node.GetCommandName()
                    if (-not $written) { break }
                    $name = Resolve-CommandName -Name $written
                    if ($name -in $script:Ps7OnlyCommands) { & $add $node.Extent 'Ps7OnlyCommand' "the cmdlet $name" }
                    $elements = @($node.CommandElements)
                    for ($i = 1; $i -lt $elements.Count; $i++) {
                        $element = $elements[$i]
                        if ($element -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
                        $parameter = Resolve-Ps7OnlyParameter -CommandName $name -Name $element.ParameterName
                        if ($parameter) { & $add $element.Extent 'Ps7OnlyParameter' "$name -$parameter" }
                        if ($name -in $script:EncodingCommands -and 'Encoding'.StartsWith($element.ParameterName, [System.StringComparison]::OrdinalIgnoreCase) -and $element.ParameterName.Length -ge 2) {
                            $value = $element.Argument
                            if (-not $value -and $i + 1 -lt $elements.Count -and $elements[$i + 1] -isnot [System.Management.Automation.Language.CommandParameterAst]) { $value = $elements[$i + 1] }
                            while ($value -is [System.Management.Automation.Language.ParenExpressionAst]) {
                                $statement = @($value.Pipeline.PipelineElements)
                                $value = if ($statement.Count -eq 1 -and $statement[0] -is [System.Management.Automation.Language.CommandExpressionAst]) { $statement[0].Expression } else { $null }
                            }
                            $encoding = $null
                            if ($value -is [System.Management.Automation.Language.StringConstantExpressionAst]) {
                                if ($value.Value -notin $script:Ps51Encodings) { $encoding = "'$($value.Value)'" }
                            } elseif ($value -is [System.Management.Automation.Language.ConstantExpressionAst]) {
                                $encoding = "the code page $($value.Value)"
                            } elseif ($value -is [System.Management.Automation.Language.MemberExpressionAst] -and $value.Static) {
                                $encoding = "an Encoding object ($($value.Extent.Text))"
                            }
                            if ($encoding) { & $add $element.Extent 'Ps7OnlyEncoding' "$name -Encoding $encoding" }
                        }
                    }
                }
            }
        }
        foreach ($token in $tokens) {
            if ($token.Kind -in 'StringExpandable', 'HereStringExpandable' -and (Test-EscapeSequence -Text $token.Text)) {
                & $add $token.Extent 'EscapeSequence' 'the escape sequence `e or `u{...} in a double-quoted string'
            } elseif ($token.Kind -eq 'Number' -and ($token.Text -match '^(?i)0b[01]' -or
                    $token.Text -match '^(?i)(0x[0-9a-f]+|[0-9.]+(e[+-]?[0-9]+)?)(u|ul|lu|y|uy|s|us|n)(kb|mb|gb|tb|pb)?$')) {
                & $add $token.Extent 'NumberLiteral' "the number literal $($token.Text) (binary literal or type suffix)"
            }
        }
        $findings | Sort-Object Line, Column, Rule
    }

    function Format-Finding {
        # 'file:line:column rule: message: code', one line per finding, with the joined script's
        # #region (the source file it came from) when there is one.
        param([object[]] $Findings, [string[]] $Lines)
        foreach ($finding in $Findings) {
            $region = ''
            if ($Lines) {
                for ($l = [math]::Min($finding.Line, $Lines.Count) - 1; $l -ge 0; $l--) {
                    if ($Lines[$l] -match '^#region (\S+\.ps1)') { $region = " (in $($Matches[1]))"; break }
                }
            }
            '{0}:{1}:{2}{3} {4}: {5}: {6}' -f $finding.File, $finding.Line, $finding.Column, $region, $finding.Rule, $finding.Message, $finding.Code
        }
    }
}

# The checker needs the PowerShell 7 parser: only its AST has the nodes for ??, ?. and the ternary.
Describe 'Windows PowerShell 5.1 syntax' -Skip:($PSVersionTable.PSVersion.Major -lt 7) {
    Context 'the checker (self-check)' {
        It 'reports <Rule> in: <Code>' -ForEach $Forbidden {
            $findings = @(Find-Ps7OnlySyntax -ScriptText $Code -DisplayName 'self-check')
            $findings.Rule | Should -Contain $Rule -Because "'$Code' is PowerShell 7 only"
            @($findings | Where-Object Rule -EQ 'ParseError') | Should -BeNullOrEmpty
        }

        It 'reports nothing in: <Code>' -ForEach $Allowed {
            (Format-Finding -Findings @(Find-Ps7OnlySyntax -ScriptText $Code -DisplayName 'self-check')) -join "`n" | Should -BeNullOrEmpty
        }

        It 'names the file and line of each finding' {
            $file = Join-Path $TestDrive 'sample.ps1'
            Set-Content -LiteralPath $file -Value "# line 1`nfunction f {`n    `$x = `$a ?? 1`n}"
            $text = (Format-Finding -Findings @(Find-Ps7OnlySyntax -Path $file)) -join "`n"
            $text | Should -Match ([regex]::Escape("$($file):3:10 NullCoalescing"))
        }
    }

    It 'the shipped module script has none' {
        if (-not $env:RUSTSSO_TEST_MODULE) { Set-ItResult -Skipped -Because 'RUSTSSO_TEST_MODULE is not set (build.ps1 -Task Test sets it)'; return }
        $psm1 = Join-Path $env:RUSTSSO_TEST_MODULE 'AWS.Tools.RustSSO.psm1'
        $findings = @(Find-Ps7OnlySyntax -Path $psm1)
        (Format-Finding -Findings $findings -Lines ([System.IO.File]::ReadAllLines($psm1))) -join "`n" | Should -BeNullOrEmpty
    }

    It 'powershell/src/<Name> has none' -ForEach $Sources {
        (Format-Finding -Findings @(Find-Ps7OnlySyntax -Path $Path -DisplayName "powershell/src/$Name")) -join "`n" | Should -BeNullOrEmpty
    }
}
