<#
.SYNOPSIS
Opens a login URL in a running headless Chromium session: the "browser" command the module runs
(Invoke-AWSSSOLogin -BrowserCommand) in tests/Browser.Tests.ps1 and build.ps1 -Task Docs.

.DESCRIPTION
Navigates the ChromeDriver session RUSTSSO_TEST_WEBDRIVER_SESSION (at RUSTSSO_TEST_WEBDRIVER_URL)
to the URL and returns at once: the session does not wait for page loads, so the login goes on
while the browser follows the authorize page's redirect to the loopback listener.

With RUSTSSO_TEST_BROWSER_MODE=second-tab it first plays the visitors a listener meets besides the
login: it fetches /favicon.ico from the listener, opens the listener's callback with a wrong state
in a second tab and waits for that page, then switches back and opens the login URL in the first
tab.

What it did goes to RUSTSSO_TEST_BROWSER_RECORD (JSON): the listener's port, the favicon status,
what the second tab showed, when the login URL was opened, or the error. Never a URL: the login
URL's parameters and a callback's code stay out of it. Writes nothing to the output streams (the
module would take it as output).
#>
param([Parameter(Mandatory)] [string] $Url)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Join-Path $PSScriptRoot 'ChromeDriver.psm1')

$record = [ordered]@{ mode = $env:RUSTSSO_TEST_BROWSER_MODE; port = $null; favicon_status = $null; second_tab = $null; opened_ms = $null; error = $null }
$exitCode = 0
try {
    $session = [pscustomobject]@{ Url = '{0}/session/{1}' -f $env:RUSTSSO_TEST_WEBDRIVER_URL, $env:RUSTSSO_TEST_WEBDRIVER_SESSION }
    if (-not $env:RUSTSSO_TEST_WEBDRIVER_URL -or -not $env:RUSTSSO_TEST_WEBDRIVER_SESSION) {
        throw 'RUSTSSO_TEST_WEBDRIVER_URL and RUSTSSO_TEST_WEBDRIVER_SESSION must name a ChromeDriver session.'
    }
    # The listener's port, from the redirect_uri parameter of the authorize URL.
    $redirect = [regex]::Match($Url, '[?&]redirect_uri=([^&]+)')
    if ($redirect.Success) {
        $callback = [Uri]::UnescapeDataString($redirect.Groups[1].Value)
        if ($callback -match '^http://127\.0\.0\.1:(\d+)/') { $record.port = [int]$Matches[1] }
    }

    if ($env:RUSTSSO_TEST_BROWSER_MODE -eq 'second-tab') {
        if (-not $record.port) { throw 'The login URL carries no loopback redirect_uri.' }
        $listener = "http://127.0.0.1:$($record.port)"
        Add-Type -AssemblyName System.Net.Http
        $client = [System.Net.Http.HttpClient]::new()
        $client.Timeout = [TimeSpan]::FromSeconds(5)
        try { $record.favicon_status = [int]$client.GetAsync("$listener/favicon.ico").GetAwaiter().GetResult().StatusCode }
        catch { $record.favicon_status = 'no answer: ' + $_.Exception.GetBaseException().Message }
        finally { $client.Dispose() }

        $first = Invoke-WebDriver -BaseUrl $session.Url -Path '/window'
        $second = (Invoke-WebDriver -BaseUrl $session.Url -Method POST -Path '/window/new' -Body @{ type = 'tab' }).handle
        Invoke-WebDriver -BaseUrl $session.Url -Method POST -Path '/window' -Body @{ handle = $second } | Out-Null
        Invoke-WebDriver -BaseUrl $session.Url -Method POST -Path '/url' -Body @{ url = "$listener/oauth/callback?code=x&state=wrong" } | Out-Null
        try {
            $page = Wait-ChromiumPage -Session $session -UrlPrefix "$listener/oauth/callback" -TimeoutSec 10
            $record.second_tab = [ordered]@{
                title = $page.Title; text = $page.Text; content_type = $page.ContentType
                url = ($page.Url -split '\?')[0]; error = $null
            }
        } catch { $record.second_tab = [ordered]@{ title = $null; text = $null; content_type = $null; url = $null; error = $_.Exception.Message } }
        Invoke-WebDriver -BaseUrl $session.Url -Method POST -Path '/window' -Body @{ handle = $first } | Out-Null
    }

    Invoke-WebDriver -BaseUrl $session.Url -Method POST -Path '/url' -Body @{ url = $Url } | Out-Null
    $record.opened_ms = [DateTimeOffset]::UtcNow.ToUnixTimeMilliseconds()
} catch {
    $record.error = $_.Exception.Message
    [Console]::Error.WriteLine("Open-InChromium: $($record.error)")
    $exitCode = 1
} finally {
    if ($env:RUSTSSO_TEST_BROWSER_RECORD) {
        [System.IO.File]::WriteAllText($env:RUSTSSO_TEST_BROWSER_RECORD, (ConvertTo-Json -InputObject $record -Depth 5))
    }
}
exit $exitCode
