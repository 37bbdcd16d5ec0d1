# Headless Chromium driven through ChromeDriver's W3C WebDriver HTTP API, for tests/Browser.Tests.ps1
# and build.ps1 -Task Docs: find the browser, start the driver on a loopback port, open sessions,
# read what a page shows and take screenshots. Open-InChromium.ps1 is the launcher the module runs
# (Invoke-AWSSSOLogin -BrowserCommand) to open the login URL in such a session; it loads this module
# alone, so nothing here depends on TestHelpers.psm1.

Set-StrictMode -Version 3.0

function Find-Chromium {
    # The Chromium (or Chrome) executable and its ChromeDriver. Missing says what was not found
    # and how to install it (and the two paths are $null then).
    $isLinuxHost = $PSVersionTable.PSEdition -eq 'Core' -and $IsLinux
    $isMacHost = $PSVersionTable.PSEdition -eq 'Core' -and $IsMacOS
    $first = {
        param([string[]] $Paths, [string[]] $Names)
        foreach ($path in $Paths) { if ($path -and (Test-Path -LiteralPath $path -PathType Leaf)) { return $path } }
        foreach ($name in $Names) {
            $command = Get-Command $name -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
            if ($command) { return $command.Source }
        }
        $null
    }
    if ($isLinuxHost) {
        $browser = & $first @('/usr/bin/chromium') @('chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable')
        $driver = & $first @('/usr/bin/chromedriver') @('chromedriver')
        $hint = 'on Debian and Ubuntu ./build.sh installs them: apt-get install chromium chromium-driver'
    } elseif ($isMacHost) {
        $browser = & $first @('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome', '/Applications/Chromium.app/Contents/MacOS/Chromium') @('chrome', 'chromium', 'google-chrome')
        $driver = & $first @() @('chromedriver')
        $hint = 'put Chrome (or Chromium) and a matching chromedriver on PATH'
    } else {
        $programs = @($env:ProgramFiles, ${env:ProgramFiles(x86)}, $env:LOCALAPPDATA) | Where-Object { $_ } | ForEach-Object { Join-Path $_ 'Google\Chrome\Application\chrome.exe' }
        $browser = & $first $programs @('chrome.exe', 'chrome')
        $driver = & $first @() @('chromedriver.exe', 'chromedriver')
        $hint = 'put chrome.exe and a matching chromedriver.exe on PATH'
    }
    $missing = @()
    if (-not $browser) { $missing += 'Chromium' }
    if (-not $driver) { $missing += 'ChromeDriver' }
    [pscustomobject]@{
        Browser = if ($missing) { $null } else { $browser }
        Driver  = if ($missing) { $null } else { $driver }
        Missing = if ($missing) { '{0} {1} not found ({2})' -f ($missing -join ' and '), $(if ($missing.Count -gt 1) { 'were' } else { 'was' }), $hint } else { $null }
    }
}

function Get-LoopbackPort {
    # A loopback port that was free a moment ago.
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    try { $listener.LocalEndpoint.Port } finally { $listener.Stop() }
}

function Invoke-WebDriver {
    # One WebDriver command; returns its 'value'. -BaseUrl is the driver (http://127.0.0.1:PORT)
    # or a session (http://127.0.0.1:PORT/session/ID).
    param(
        [Parameter(Mandatory)] [string] $BaseUrl,
        [string] $Method = 'GET',
        [string] $Path = '',
        $Body,
        [int] $TimeoutSec = 30
    )
    $arguments = @{ Uri = $BaseUrl + $Path; Method = $Method; TimeoutSec = $TimeoutSec }
    if ($Method -ne 'GET' -and $Method -ne 'DELETE') {
        $arguments.Body = if ($null -eq $Body) { '{}' } else { ConvertTo-Json -InputObject $Body -Depth 10 -Compress }
        $arguments.ContentType = 'application/json; charset=utf-8'
    }
    try { (Invoke-RestMethod @arguments).value }
    catch {
        # WebDriver errors are JSON: {"value": {"error": "...", "message": "..."}}. The request's
        # address is not repeated: it may carry a login URL.
        $detail = $_.Exception.Message
        try {
            $value = ($_.ErrorDetails.Message | ConvertFrom-Json).value
            $detail = '{0}: {1}' -f $value.error, (($value.message -split "`n")[0])
        } catch { }
        throw "WebDriver $Method $(($Path -split '\?')[0]) failed: $detail"
    }
}

function Start-ChromeDriver {
    # Starts ChromeDriver on a free loopback port and waits until it accepts sessions. Returns a
    # handle for New-ChromiumSession and Stop-ChromeDriver.
    param([Parameter(Mandatory)] [string] $Path, [Parameter(Mandatory)] [string] $Browser)
    for ($attempt = 1; $attempt -le 3; $attempt++) {
        $port = Get-LoopbackPort
        $info = New-Object System.Diagnostics.ProcessStartInfo
        $info.FileName = $Path
        # --silent: no log at all, so no URL the browser visits ends up in any output.
        $info.Arguments = "--port=$port --silent"
        $info.UseShellExecute = $false
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($info)
        # Drained and dropped: the start banner only.
        [void]$process.StandardOutput.ReadToEndAsync()
        [void]$process.StandardError.ReadToEndAsync()
        $url = "http://127.0.0.1:$port"
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not $process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            try {
                $status = Invoke-RestMethod -Uri "$url/status" -TimeoutSec 2
                if ($status.value.ready) {
                    return [pscustomobject]@{ Process = $process; Url = $url; Browser = $Browser; Sessions = [System.Collections.Generic.List[object]]::new() }
                }
            } catch { }
            Start-Sleep -Milliseconds 100
        }
        if (-not $process.HasExited) { Stop-ProcessTree -Process $process }
    }
    throw "ChromeDriver ($Path) did not start."
}

function Stop-ProcessTree {
    param([Parameter(Mandatory)] [System.Diagnostics.Process] $Process)
    try {
        if (-not $Process.HasExited) {
            if ($PSVersionTable.PSEdition -eq 'Core') { $Process.Kill($true) } else { $Process.Kill() }
        }
        [void]$Process.WaitForExit(5000)
    } catch { }
}

function New-ChromiumSession {
    # Opens a headless Chromium window. Page loads do not block WebDriver commands
    # (pageLoadStrategy 'none'): navigating returns at once and Wait-ChromiumPage waits for a page.
    param([Parameter(Mandatory)] $Driver, [string] $WindowSize = '800,480')
    $capabilities = @{
        browserName          = 'chrome'
        pageLoadStrategy     = 'none'
        'goog:chromeOptions' = @{
            binary = $Driver.Browser
            args   = @('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                "--window-size=$WindowSize", '--no-first-run', '--no-default-browser-check')
        }
    }
    $value = Invoke-WebDriver -BaseUrl $Driver.Url -Method POST -Path '/session' -Body @{ capabilities = @{ alwaysMatch = $capabilities } } -TimeoutSec 60
    $processId = $null
    if ($value.capabilities.PSObject.Properties['goog:processID']) { $processId = [int]$value.capabilities.'goog:processID' }
    $session = [pscustomobject]@{
        Driver = $Driver; Id = $value.sessionId; Url = "$($Driver.Url)/session/$($value.sessionId)"; ProcessId = $processId
    }
    $Driver.Sessions.Add($session)
    $session
}

function Remove-ChromiumSession {
    # Closes the session's browser and makes sure its process is gone.
    param([Parameter(Mandatory)] $Session)
    try { Invoke-WebDriver -BaseUrl $Session.Url -Method DELETE -TimeoutSec 15 | Out-Null } catch { }
    if ($Session.ProcessId) {
        $process = Get-Process -Id $Session.ProcessId -ErrorAction SilentlyContinue
        if ($process -and -not $process.WaitForExit(5000)) { Stop-ProcessTree -Process $process }
    }
    [void]$Session.Driver.Sessions.Remove($Session)
}

function Stop-ChromeDriver {
    # Closes every session still open, then stops ChromeDriver and anything it started.
    param([Parameter(Mandatory)] $Driver)
    foreach ($session in @($Driver.Sessions)) { Remove-ChromiumSession -Session $session }
    try { $Driver.Process.StandardInput.Close() } catch { }
    Stop-ProcessTree -Process $Driver.Process
}

function Get-ChromiumLauncherPath {
    # The launcher to pass as Invoke-AWSSSOLogin -BrowserCommand. A parameter, not
    # AWS_TOOLS_RUSTSSO_BROWSER: the logins run in non-interactive processes, where only a
    # browser command given with the call may run.
    Join-Path $PSScriptRoot 'Open-InChromium.ps1'
}

function Get-ChromiumLauncherEnvironment {
    # The environment under which the launcher opens login URLs in the session: the session, and
    # where the launcher records what it did.
    # Mode 'second-tab': before the login, fetch /favicon.ico from the listener and open its
    # callback with a wrong state in a second tab, then open the login URL in the first tab.
    param([Parameter(Mandatory)] $Session, [Parameter(Mandatory)] [string] $RecordPath, [string] $Mode = 'open')
    [ordered]@{
        RUSTSSO_TEST_WEBDRIVER_URL     = $Session.Driver.Url
        RUSTSSO_TEST_WEBDRIVER_SESSION = $Session.Id
        RUSTSSO_TEST_BROWSER_MODE      = $Mode
        RUSTSSO_TEST_BROWSER_RECORD    = $RecordPath
    }
}

function Hide-CallbackCode {
    # The URL with the value of its 'code' parameter (an authorization code) hidden.
    param([AllowNull()] [string] $Url)
    if ($null -eq $Url) { return $null }
    $Url -replace '([?&]code=)[^&#]*', '$1<hidden>'
}

function Get-ChromiumPage {
    # What the current tab shows: title, visible text, content type, URL (the code hidden) and,
    # from the Navigation Timing API, when the request for the page was sent and its answer
    # arrived (Unix ms).
    param([Parameter(Mandatory)] $Session)
    $script = @'
var nav = (performance.getEntriesByType && performance.getEntriesByType('navigation')[0]) || null;
var origin = performance.timeOrigin || performance.timing.navigationStart;
return {
  href: location.href,
  readyState: document.readyState,
  contentType: document.contentType,
  text: document.body ? document.body.innerText : '',
  requestStart: nav ? origin + (nav.requestStart || nav.fetchStart) : null,
  responseEnd: nav ? origin + nav.responseEnd : null
};
'@
    $value = Invoke-WebDriver -BaseUrl $Session.Url -Method POST -Path '/execute/sync' -Body @{ script = $script; args = @() }
    [pscustomobject]@{
        Url            = Hide-CallbackCode $value.href
        ReadyState     = $value.readyState
        Title          = [string](Invoke-WebDriver -BaseUrl $Session.Url -Path '/title')
        Text           = [string]$value.text
        ContentType    = $value.contentType
        RequestStartMs = if ($null -ne $value.requestStart) { [double]$value.requestStart } else { $null }
        ResponseEndMs  = if ($null -ne $value.responseEnd) { [double]$value.responseEnd } else { $null }
    }
}

function Wait-ChromiumPage {
    # Waits until the current tab has loaded a page whose URL starts with UrlPrefix (or an error
    # page of the browser), then returns Get-ChromiumPage. Throws on timeout.
    param([Parameter(Mandatory)] $Session, [Parameter(Mandatory)] [string] $UrlPrefix, [int] $TimeoutSec = 10)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    $last = $null
    while ($true) {
        $state = Invoke-WebDriver -BaseUrl $Session.Url -Method POST -Path '/execute/sync' -Body @{ script = 'return [location.href, document.readyState];'; args = @() }
        $last = Hide-CallbackCode $state[0]
        if ($state[1] -eq 'complete' -and ($state[0].StartsWith($UrlPrefix) -or $state[0].StartsWith('chrome-error:'))) { return Get-ChromiumPage -Session $Session }
        if ([DateTime]::UtcNow -ge $deadline) { throw "The browser did not load $UrlPrefix within $TimeoutSec s (it shows $last)." }
        Start-Sleep -Milliseconds 100
    }
}

function Save-ChromiumScreenshot {
    # Saves a PNG of the current tab's viewport.
    param([Parameter(Mandatory)] $Session, [Parameter(Mandatory)] [string] $Path)
    $base64 = Invoke-WebDriver -BaseUrl $Session.Url -Path '/screenshot'
    $directory = Split-Path -Parent $Path
    if ($directory) { New-Item -ItemType Directory -Force -Path $directory | Out-Null }
    [System.IO.File]::WriteAllBytes($Path, [Convert]::FromBase64String($base64))
}

Export-ModuleMember -Function Find-Chromium, Get-ChromiumLauncherPath, Invoke-WebDriver, Start-ChromeDriver, Stop-ChromeDriver, New-ChromiumSession,
    Remove-ChromiumSession, Get-ChromiumLauncherEnvironment, Hide-CallbackCode, Get-ChromiumPage, Wait-ChromiumPage,
    Save-ChromiumScreenshot, Get-LoopbackPort
