<#
.SYNOPSIS
An unattended job: lists the S3 buckets of an SSO profile and writes them to a CSV file.

.DESCRIPTION
Meant for a scheduled task (Windows) or cron (Linux/macOS), run as the user who logged in with
Invoke-AWSSSOLogin. It never opens a browser or waits for input: with a refreshable SSO token it
refreshes it as needed; when the SSO session has ended it exits with code 2 and a message that
names the profile, the sso-session and the command to run interactively.

.PARAMETER ProfileName
The SSO profile to use.

.PARAMETER OutFile
Where to write the CSV report.
#>
param(
    [Parameter(Mandatory)] [string] $ProfileName,
    [Parameter(Mandatory)] [string] $OutFile
)
$ErrorActionPreference = 'Stop'
Import-Module AWS.Tools.RustSSO
try {
    # Collect first, so a failure never replaces the last good report with an empty one.
    $buckets = @(Get-S3Bucket -ProfileName $ProfileName -TimeoutSec 60)
    $buckets | Select-Object BucketName, BucketRegion, CreationDate | Export-Csv -LiteralPath $OutFile -NoTypeInformation
    Write-Output ("{0}: wrote {1}" -f (Get-Date -Format s), $OutFile)
    exit 0
} catch {
    # The message already says what to run; keep it on stderr for the task's log.
    [Console]::Error.WriteLine(("{0}: {1} [{2}]" -f (Get-Date -Format s), $_.Exception.Message, $_.FullyQualifiedErrorId))
    exit 2
}
