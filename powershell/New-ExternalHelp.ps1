<#
.SYNOPSIS
Writes the module's external help (MAML) from the comment-based help kept in powershell/src.

.DESCRIPTION
build.ps1 runs this in a child pwsh on a module folder whose .psm1 still holds the comment-based
help. It imports that module, reads each exported command's help as Get-Help presents it
(synopsis, description, syntax, parameters, inputs, outputs, notes, examples, links) and writes
it as one MAML file. The shipped .psm1 then carries no help text, only `# .ExternalHelp` lines,
so import parses none, and Get-Help shows what the comment-based help said.

.PARAMETER ModulePath
The module folder (or manifest) to import.

.PARAMETER OutFile
The MAML file to write, e.g. <module>/en-US/AWS.Tools.RustSSO-help.xml.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $OutFile
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$module = Import-Module $ModulePath -PassThru -Force
$ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

function Get-HelpText {
    # The text of a help field: a string, or Get-Help's array of objects with a Text property.
    param($Value)
    if ($null -eq $Value) { return '' }
    $parts = foreach ($item in @($Value)) {
        if ($item -is [string]) { $item } elseif ($item.PSObject.Properties['Text']) { [string]$item.Text } else { [string]$item }
    }
    (@($parts) -join "`n").Trim()
}

function Write-Para {
    # One maml:para per paragraph (paragraphs are separated by blank lines); line breaks inside a
    # paragraph are kept, as the comment-based help shows them.
    param([System.Xml.XmlWriter] $Writer, [string] $Text)
    $paragraphs = @($Text -split "(?:\r?\n){2,}" | ForEach-Object { $_.Trim("`r", "`n") } | Where-Object { $_.Trim() })
    if ($paragraphs.Count -eq 0) { $paragraphs = @('') }
    foreach ($p in $paragraphs) { $Writer.WriteElementString('maml', 'para', $ns.maml, $p) }
}

function Write-Description {
    param([System.Xml.XmlWriter] $Writer, [string] $Text)
    $Writer.WriteStartElement('maml', 'description', $ns.maml)
    Write-Para -Writer $Writer -Text $Text
    $Writer.WriteEndElement()
}

function Write-Parameter {
    # A command:parameter, as in the syntax and the parameter list: attributes from Get-Help's
    # parameter object, the description from the comment-based help.
    param([System.Xml.XmlWriter] $Writer, $Parameter, $Metadata, [switch] $WithDescription)
    $Writer.WriteStartElement('command', 'parameter', $ns.command)
    $Writer.WriteAttributeString('required', ([string]$Parameter.required).ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', ([string]$Parameter.globbing).ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', [string]$Parameter.pipelineInput)
    $Writer.WriteAttributeString('position', [string]$Parameter.position)
    $aliases = 'None'
    if ($Metadata -and $Metadata.ContainsKey([string]$Parameter.name) -and $Metadata[[string]$Parameter.name].Aliases.Count) {
        $aliases = $Metadata[[string]$Parameter.name].Aliases -join ', '
    }
    $Writer.WriteAttributeString('aliases', $aliases)
    $Writer.WriteElementString('maml', 'name', $ns.maml, [string]$Parameter.name)
    if ($WithDescription) {
        $text = if ($Parameter.PSObject.Properties['description']) { Get-HelpText $Parameter.description } else { '' }
        if (-not $text -and $Parameter.name -eq 'WhatIf') { $text = 'Shows what would happen if the command ran. The command is not run.' }
        elseif (-not $text -and $Parameter.name -eq 'Confirm') { $text = 'Prompts you for confirmation before each change.' }
        elseif (-not $text) { throw "-$($Parameter.name) has no help text." }
        Write-Description -Writer $Writer -Text $text
    }
    $typeName = ''
    if ($Parameter.PSObject.Properties['type'] -and $Parameter.type) { $typeName = [string]$Parameter.type.name }
    elseif ($Parameter.PSObject.Properties['parameterValue']) { $typeName = [string]$Parameter.parameterValue }
    if ($typeName -and $typeName -ne 'SwitchParameter') {
        $Writer.WriteStartElement('command', 'parameterValue', $ns.command)
        $Writer.WriteAttributeString('required', 'true')
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($typeName)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $ns.dev)
    $Writer.WriteElementString('maml', 'name', $ns.maml, $typeName)
    $Writer.WriteElementString('maml', 'uri', $ns.maml, '')
    $Writer.WriteEndElement()
    $default = if ($Parameter.PSObject.Properties['defaultValue']) { [string]$Parameter.defaultValue } else { '' }
    $Writer.WriteElementString('dev', 'defaultValue', $ns.dev, $default)
    $Writer.WriteEndElement()
}

function Write-TypeList {
    # inputTypes/inputType or returnValues/returnValue, one entry per line of the help text.
    param([System.Xml.XmlWriter] $Writer, [string] $ListName, [string] $ItemName, [string] $Text)
    $Writer.WriteStartElement('command', $ListName, $ns.command)
    foreach ($line in @($Text -split "\r?\n" | Where-Object { $_.Trim() })) {
        $Writer.WriteStartElement('command', $ItemName, $ns.command)
        $Writer.WriteStartElement('dev', 'type', $ns.dev)
        $Writer.WriteElementString('maml', 'name', $ns.maml, $line.Trim())
        $Writer.WriteEndElement()
        $Writer.WriteElementString('maml', 'description', $ns.maml, '')
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

$settings = [System.Xml.XmlWriterSettings]::new()
$settings.Indent = $true
$settings.Encoding = [System.Text.UTF8Encoding]::new($false)
New-Item -ItemType Directory -Force -Path (Split-Path -Parent $OutFile) | Out-Null
$writer = [System.Xml.XmlWriter]::Create($OutFile, $settings)
try {
    $writer.WriteStartDocument()
    $writer.WriteStartElement('helpItems')
    $writer.WriteAttributeString('schema', 'maml')
    $writer.WriteAttributeString('xmlns', 'maml', $null, $ns.maml)
    $writer.WriteAttributeString('xmlns', 'command', $null, $ns.command)
    $writer.WriteAttributeString('xmlns', 'dev', $null, $ns.dev)
    foreach ($name in @($module.ExportedFunctions.Keys | Sort-Object)) {
        $help = Get-Help -Name "$($module.Name)\$name" -Full
        if ($help -is [string] -or -not $help.PSObject.Properties['details']) { throw "$name has no comment-based help." }
        $verb, $noun = $name -split '-', 2
        $metadata = (Get-Command -Name "$($module.Name)\$name").Parameters
        $writer.WriteStartElement('command', 'command', $ns.command)

        $writer.WriteStartElement('command', 'details', $ns.command)
        $writer.WriteElementString('command', 'name', $ns.command, $name)
        Write-Description -Writer $writer -Text (Get-HelpText $help.Synopsis)
        $writer.WriteElementString('command', 'verb', $ns.command, $verb)
        $writer.WriteElementString('command', 'noun', $ns.command, $noun)
        $writer.WriteEndElement()

        Write-Description -Writer $writer -Text (Get-HelpText $help.description)

        $writer.WriteStartElement('command', 'syntax', $ns.command)
        foreach ($item in @($help.syntax.syntaxItem)) {
            $writer.WriteStartElement('command', 'syntaxItem', $ns.command)
            $writer.WriteElementString('maml', 'name', $ns.maml, $name)
            if ($item.PSObject.Properties['parameter']) {
                foreach ($p in @($item.parameter)) { Write-Parameter -Writer $writer -Parameter $p -Metadata $metadata }
            }
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'parameters', $ns.command)
        if ($help.PSObject.Properties['parameters'] -and $help.parameters -and $help.parameters.PSObject.Properties['parameter']) {
            foreach ($p in @($help.parameters.parameter)) { Write-Parameter -Writer $writer -Parameter $p -Metadata $metadata -WithDescription }
        }
        $writer.WriteEndElement()

        $inputs = if ($help.PSObject.Properties['inputTypes'] -and $help.inputTypes) { Get-HelpText $help.inputTypes.inputType.type.name } else { '' }
        Write-TypeList -Writer $writer -ListName 'inputTypes' -ItemName 'inputType' -Text $inputs
        $outputs = if ($help.PSObject.Properties['returnValues'] -and $help.returnValues) { Get-HelpText $help.returnValues.returnValue.type.name } else { '' }
        Write-TypeList -Writer $writer -ListName 'returnValues' -ItemName 'returnValue' -Text $outputs

        $writer.WriteStartElement('maml', 'alertSet', $ns.maml)
        $writer.WriteStartElement('maml', 'alert', $ns.maml)
        $notes = if ($help.PSObject.Properties['alertSet'] -and $help.alertSet) { Get-HelpText $help.alertSet.alert } else { '' }
        Write-Para -Writer $writer -Text $notes
        $writer.WriteEndElement()
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'examples', $ns.command)
        $number = 0
        foreach ($example in @($help.examples.example)) {
            $number++
            $writer.WriteStartElement('command', 'example', $ns.command)
            $writer.WriteElementString('maml', 'title', $ns.maml, "-------------------------- EXAMPLE $number --------------------------")
            $writer.WriteElementString('dev', 'code', $ns.dev, (Get-HelpText $example.code))
            $writer.WriteStartElement('dev', 'remarks', $ns.dev)
            Write-Para -Writer $writer -Text (Get-HelpText $example.remarks)
            $writer.WriteEndElement()
            $writer.WriteEndElement()
        }
        $writer.WriteEndElement()

        $writer.WriteStartElement('command', 'relatedLinks', $ns.command)
        if ($help.PSObject.Properties['relatedLinks'] -and $help.relatedLinks -and $help.relatedLinks.PSObject.Properties['navigationLink']) {
            foreach ($link in @($help.relatedLinks.navigationLink)) {
                $writer.WriteStartElement('maml', 'navigationLink', $ns.maml)
                $writer.WriteElementString('maml', 'linkText', $ns.maml, [string]$link.linkText)
                $writer.WriteElementString('maml', 'uri', $ns.maml, $(if ($link.PSObject.Properties['uri']) { [string]$link.uri } else { '' }))
                $writer.WriteEndElement()
            }
        }
        $writer.WriteEndElement()

        $writer.WriteEndElement()
    }
    $writer.WriteEndElement()
    $writer.WriteEndDocument()
} finally {
    $writer.Dispose()
}
