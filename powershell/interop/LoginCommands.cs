// Login, logout and the config-writing commands: the parts that talk to a person (host lines,
// progress, a browser, a choice) as well as to the native library.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Runtime.InteropServices;

namespace AWS.Tools.RustSSO.Interop
{
    public static partial class Commands
    {
        private static readonly string[] HostTag = { "PSHOST" };

        /// <summary>A line for the person at the console, as Write-Host writes it (information
        /// stream, tag PSHOST): shown, but never part of the command's output.</summary>
        internal static void HostLine(PSCmdlet cmdlet, string line)
        {
            // The line may hold a server's text (a URL, a code, a name): made Printable.
            cmdlet.WriteInformation(new HostInformationMessage { Message = Printable(line) }, HostTag);
        }

        /// <summary>Whether a person can take part: not with -NonInteractive, without console
        /// input (scheduled tasks, CI, redirected stdin), or in a host without a user interface.</summary>
        public static bool IsInteractive(PSCmdlet cmdlet)
        {
            foreach (string argument in Environment.GetCommandLineArgs())
            {
                if (argument.StartsWith("-noni", StringComparison.OrdinalIgnoreCase) || argument.StartsWith("/noni", StringComparison.OrdinalIgnoreCase)) return false;
            }
            if (!Environment.UserInteractive) return false;
            try
            {
                if (Console.IsInputRedirected) return false;
            }
            catch (IOException) { return false; }
            catch (InvalidOperationException) { return false; }
            string hostName = cmdlet.Host == null ? string.Empty : cmdlet.Host.Name;
            return hostName != "Default Host" && hostName != "ServerRemoteHost";
        }

        /// <summary>Whether a URL may be handed to a browser (the system's URL handler or a browser
        /// command): https, or http on a loopback host, and only printable ASCII without quotes or
        /// backslashes. The URL comes from a server (the device flow's verification URL): never a
        /// path or a program, and never text that a command line could split into more arguments
        /// (a real login URL has its spaces and quotes percent-encoded).</summary>
        public static bool IsOpenableUrl(string url)
        {
            if (string.IsNullOrEmpty(url)) return false;
            foreach (char c in url)
            {
                if (c <= ' ' || c >= 0x7F || c == '"' || c == '\'' || c == '\\') return false;
            }
            Uri uri;
            if (!Uri.TryCreate(url, UriKind.Absolute, out uri)) return false;
            if (uri.Scheme == Uri.UriSchemeHttps) return true;
            return uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback;
        }

        /// <summary>The PowerShell that runs a .ps1 browser command: this one on Windows
        /// PowerShell, else pwsh from $PSHOME, else (pwsh installed as a .NET tool runs inside
        /// 'dotnet') the pwsh on PATH.</summary>
        private static string PowerShellExecutable(PSCmdlet cmdlet)
        {
            bool windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            var table = cmdlet.GetVariableValue("PSVersionTable") as Hashtable;
            string edition = table == null ? null : Convert.ToString(table["PSEdition"], CultureInfo.InvariantCulture);
            if (edition != "Core") return Process.GetCurrentProcess().MainModule.FileName;
            string file = windows ? "pwsh.exe" : "pwsh";
            string home = Convert.ToString(cmdlet.GetVariableValue("PSHOME"), CultureInfo.InvariantCulture);
            if (!string.IsNullOrEmpty(home) && File.Exists(Path.Combine(home, file))) return Path.Combine(home, file);
            string path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
            foreach (string dir in path.Split(Path.PathSeparator))
            {
                if (dir.Length == 0) continue;
                string candidate = Path.Combine(dir, file);
                if (File.Exists(candidate)) return candidate;
            }
            return file;
        }

        /// <summary>One argument of a command line, quoted by the Windows argv rules (those of
        /// CommandLineToArgvW and the C runtime, which .NET also applies on Linux and macOS when it
        /// splits ProcessStartInfo.Arguments): inside quotes, backslashes are literal except
        /// before a quote, so n backslashes before a quote become 2n+1 (the quote kept), and n
        /// backslashes before the closing quote become 2n.</summary>
        public static string QuoteArgument(string argument)
        {
            if (argument == null) argument = string.Empty;
            if (argument.Length > 0 && argument.IndexOfAny(new[] { ' ', '\t', '\n', '\v', '"' }) < 0) return argument;
            var quoted = new System.Text.StringBuilder(argument.Length + 8).Append('"');
            int backslashes = 0;
            foreach (char c in argument)
            {
                if (c == '\\')
                {
                    backslashes++;
                    continue;
                }
                if (c == '"') quoted.Append('\\', 2 * backslashes + 1);
                else quoted.Append('\\', backslashes);
                backslashes = 0;
                quoted.Append(c);
            }
            return quoted.Append('\\', 2 * backslashes).Append('"').ToString();
        }

        /// <summary>How long a browser command is waited for. A browser started with no instance
        /// running stays until it is closed; the login goes on without it after this.</summary>
        private const int BrowserCommandWaitSeconds = 30;

        /// <summary>Runs the browser command and waits for it (polling, so that Ctrl+C still
        /// stops the command) for at most <paramref name="waitSeconds"/>; then the login goes on
        /// and the command is left running. Its output is not the command's output and is dropped.</summary>
        private static void RunBrowserCommand(PSCmdlet cmdlet, string source, string file, string arguments, int waitSeconds)
        {
            var info = new ProcessStartInfo(file, arguments)
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = false,
                CreateNoWindow = true,
            };
            Process process = Process.Start(info);
            bool running = false;
            try
            {
                process.OutputDataReceived += (s, e) => { };
                process.ErrorDataReceived += (s, e) => { };
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                var waited = Stopwatch.StartNew();
                while (!process.WaitForExit(100))
                {
                    if (cmdlet.Stopping)
                    {
                        try { process.Kill(); } catch (InvalidOperationException) { }
                        throw new PipelineStoppedException();
                    }
                    if (waited.Elapsed.TotalSeconds >= waitSeconds)
                    {
                        running = true;
                        Warning(cmdlet, string.Format(CultureInfo.InvariantCulture, "The browser command ({0}) has not finished after {1} s; the login goes on without waiting for it.", source, waitSeconds));
                        return;
                    }
                }
                if (process.ExitCode != 0)
                    Warning(cmdlet, string.Format(CultureInfo.InvariantCulture, "The browser command ({0}) exited with code {1}.", source, process.ExitCode));
            }
            finally
            {
                // Not disposed while it runs: that would close its output pipes, and a browser
                // that writes to them then would be ended by SIGPIPE. The readers drain them
                // until it exits.
                if (!running) process.Dispose();
            }
        }

        /// <summary>Opens the login URL: with the browser command when there is one (-BrowserCommand,
        /// else AWS_TOOLS_RUSTSSO_BROWSER; a .ps1 script runs in PowerShell), else the system browser
        /// (Windows: the URL handler; macOS: open; Linux: xdg-open). False, after a warning that
        /// says why, when nothing was opened. Every way goes through the one URL check first.</summary>
        private static bool OpenBrowser(PSCmdlet cmdlet, string url, string browserCommand, int waitSeconds)
        {
            if (!IsOpenableUrl(url))
            {
                Warning(cmdlet, "The login URL from the server is not a plain https URL (or it holds spaces, quotes, backslashes or control characters), so it was not opened in a browser.");
                return false;
            }
            if (!StartBrowser(cmdlet, url, browserCommand, waitSeconds))
            {
                Warning(cmdlet, "No browser could be opened: open the URL above yourself.");
                return false;
            }
            return true;
        }

        private static bool StartBrowser(PSCmdlet cmdlet, string url, string browserCommand, int waitSeconds)
        {
            string source = string.IsNullOrEmpty(browserCommand) ? "AWS_TOOLS_RUSTSSO_BROWSER" : "-BrowserCommand";
            string custom = string.IsNullOrEmpty(browserCommand) ? Environment.GetEnvironmentVariable("AWS_TOOLS_RUSTSSO_BROWSER") : browserCommand;
            try
            {
                if (!string.IsNullOrEmpty(custom))
                {
                    if (custom.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase))
                        RunBrowserCommand(cmdlet, source, PowerShellExecutable(cmdlet), "-NoProfile -NonInteractive -File " + QuoteArgument(custom) + " " + QuoteArgument(url), waitSeconds);
                    else
                        RunBrowserCommand(cmdlet, source, custom, QuoteArgument(url), waitSeconds);
                    return true;
                }
                if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    Process.Start(new ProcessStartInfo(url) { UseShellExecute = true }).Dispose();
                    return true;
                }
                string opener = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "open" : "xdg-open";
                Process started = Process.Start(new ProcessStartInfo(opener, QuoteArgument(url)) { UseShellExecute = false });
                if (started != null) started.Dispose();
                return started != null;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        /// <summary>A native call that belongs to no pipeline (cleanup in finally blocks).</summary>
        private static void InvokeDetached(string operation, Hashtable parameters)
        {
            var request = new Hashtable();
            request["op"] = operation;
            request["params"] = parameters;
            request["env"] = EnvironmentView();
            Native.Call(Json.Write(request), null);
        }

        // ------------------------------------------------------------------ login

        public static void InvokeAWSSSOLogin(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            Run(cmdlet, () => cmdlet.WriteObject(Login(cmdlet, bound)));
        }

        private static LoginResult Login(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            Hashtable parameters = SessionParameters(cmdlet, bound);
            parameters.Remove("timeout_ms");
            bool noBrowser = Switch(bound, "NoBrowser");
            string browserCommand = Str(bound, "BrowserCommand");
            // A script is run by path in a new process: relative to this session's location, not the process's.
            if (!string.IsNullOrEmpty(browserCommand) && browserCommand.EndsWith(".ps1", StringComparison.OrdinalIgnoreCase)) browserCommand = ResolvePath(cmdlet, browserCommand);
            int timeoutSec = Has(bound, "TimeoutSec") ? Value<int>(bound, "TimeoutSec") : 600;
            parameters["use_device_code"] = Switch(bound, "UseDeviceCode");
            parameters["force"] = Switch(bound, "Force");
            parameters["no_browser"] = noBrowser;
            // A browser command given with this call is the caller's word that something will
            // complete the login (a headless browser, a test); AWS_TOOLS_RUSTSSO_BROWSER is only a
            // preference, often set for a user's every process, including their scheduled jobs.
            parameters["interactive"] = IsInteractive(cmdlet) || !string.IsNullOrEmpty(browserCommand);
            parameters["timeout_sec"] = timeoutSec;
            if (Has(bound, "RedirectPort")) parameters["redirect_port"] = Value<int>(bound, "RedirectPort");

            var begin = Invoke(cmdlet, "sso.login.begin", parameters, null) as JsonObject ?? new JsonObject();
            var result = new LoginResult
            {
                ProfileName = begin.Str("profile_name"),
                SsoSession = begin.Str("sso_session"),
                StartUrl = begin.Str("start_url"),
                State = begin.Str("state"),
                Flow = begin.Str("flow"),
                ExpiresAt = begin.Date("expires_at"),
            };
            if (result.State != "pending")
            {
                HostLine(cmdlet, begin.Str("message"));
                return result;
            }
            object loginId;
            begin.TryGetValue("login_id", out loginId);
            bool completed = false;
            var progress = new ProgressRecord(1, "AWS SSO login", "Waiting for the login to be approved");
            try
            {
                if (result.Flow == "device")
                {
                    HostLine(cmdlet, string.Format(CultureInfo.InvariantCulture, "To sign in, open {0} and enter the code {1}.", begin.Str("verification_uri"), begin.Str("user_code")));
                }
                else
                {
                    HostLine(cmdlet, "To sign in, open this URL in a browser on this computer:");
                    HostLine(cmdlet, begin.Str("url"));
                }
                if (!noBrowser)
                {
                    if (OpenBrowser(cmdlet, begin.Str("url"), browserCommand, Math.Min(BrowserCommandWaitSeconds, timeoutSec))) HostLine(cmdlet, "A browser was opened for the login.");
                }
                long total = Math.Max(1, begin.Long("seconds_left") ?? 1);
                while (true)
                {
                    var wait = new Hashtable();
                    wait["login_id"] = loginId;
                    wait["wait_ms"] = 500;
                    var state = Invoke(cmdlet, "sso.login.wait", wait, null) as JsonObject ?? new JsonObject();
                    if (state.Str("state") == "complete")
                    {
                        completed = true;
                        result.State = "complete";
                        result.ExpiresAt = state.Date("expires_at");
                        break;
                    }
                    long left = state.Long("seconds_left") ?? 0;
                    progress.StatusDescription = string.Format(CultureInfo.InvariantCulture, "Waiting for the login to be approved ({0} s left)", left);
                    progress.SecondsRemaining = (int)Math.Max(0, Math.Min(int.MaxValue, left));
                    progress.PercentComplete = (int)Math.Min(100, Math.Max(0, 100 * (total - left) / total));
                    cmdlet.WriteProgress(progress);
                }
            }
            finally
            {
                if (!completed)
                {
                    var cancel = new Hashtable();
                    cancel["login_id"] = loginId;
                    InvokeDetached("sso.login.cancel", cancel);
                }
                try
                {
                    progress.RecordType = ProgressRecordType.Completed;
                    cmdlet.WriteProgress(progress);
                }
                catch (PipelineStoppedException) { }
            }
            HostLine(cmdlet, string.Format(CultureInfo.CurrentCulture, "Logged in; the SSO token is valid until {0}.", result.ExpiresAt));
            return result;
        }

        // ------------------------------------------------------------------ logout

        public static void InvokeAWSSSOLogout(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            Run(cmdlet, () =>
            {
                Hashtable parameters = SessionParameters(cmdlet, bound);
                parameters["all"] = Switch(bound, "All");
                var planned = Invoke(cmdlet, "sso.logout.plan", parameters, null) as List<object> ?? new List<object>();
                var approved = new List<object>();
                foreach (object item in planned)
                {
                    var file = item as JsonObject;
                    if (file == null) continue;
                    if (cmdlet.ShouldProcess(file.Str("path"), "Delete the " + file.Str("description"))) approved.Add(file);
                }
                if (approved.Count == 0) return;
                var apply = new Hashtable();
                apply["files"] = approved;
                var removed = Invoke(cmdlet, "sso.logout.apply", apply, null) as List<object> ?? new List<object>();
                if (!Wanted(cmdlet, "VerbosePreference")) return;
                foreach (object item in removed)
                {
                    var r = item as JsonObject;
                    if (r != null) Verbose(cmdlet, string.Format(CultureInfo.InvariantCulture, "Deleted {0} ({1}).", r.Str("path"), r.Str("kind")));
                }
            });
        }

        // ------------------------------------------------------------------ config writes

        /// <summary>Writes sections to the config file with the text-preserving writer: first a
        /// dry run (the lines that would change go to -Verbose and into the -WhatIf text), then,
        /// when ShouldProcess agrees, the write.</summary>
        private static void ConfigEdit(PSCmdlet cmdlet, string header, List<object> values, string path, string what)
        {
            var section = new Hashtable();
            section["header"] = header;
            section["values"] = values;
            var request = new Hashtable();
            request["sections"] = new List<object> { section };
            request["dry_run"] = true;
            if (!string.IsNullOrEmpty(path)) request["path"] = ResolvePath(cmdlet, path);
            JsonObject plan = EditConfig(cmdlet, (Hashtable)request.Clone());
            bool verbose = Wanted(cmdlet, "VerbosePreference");
            if (!plan.Bool("changed"))
            {
                if (verbose) Verbose(cmdlet, plan.Str("path") + " already holds " + what + ".");
                return;
            }
            List<string> diff = Strings(plan, "diff");
            if (verbose) foreach (string line in diff) Verbose(cmdlet, line);
            if (!cmdlet.ShouldProcess(plan.Str("path"), "Write " + what + " (" + string.Join("; ", diff.ToArray()) + ")")) return;
            request["dry_run"] = false;
            EditConfig(cmdlet, request);
        }

        private static List<object> Pair(string key, string value) { return new List<object> { key, value }; }

        private static void WriteSessionSection(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            string session = Str(bound, "SessionName");
            string[] scopes = Has(bound, "RegistrationScopes") ? Value<string[]>(bound, "RegistrationScopes") : new[] { "sso:account:access" };
            var values = new List<object>
            {
                Pair("sso_start_url", Str(bound, "StartUrl")),
                Pair("sso_region", Str(bound, "SSORegion")),
                Pair("sso_registration_scopes", string.Join(",", scopes ?? new string[0])),
            };
            ConfigEdit(cmdlet, "sso-session " + session, values, Str(bound, "ProfileLocation"), "[sso-session " + session + "]");
        }

        public static void SetAWSSSOSessionConfiguration(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            Run(cmdlet, () => WriteSessionSection(cmdlet, bound));
        }

        /// <summary>One item of several, picked by the person at the console; one item is taken
        /// without asking, and a session without a person gets ChoiceRequired.</summary>
        private static JsonObject Pick(PSCmdlet cmdlet, List<JsonObject> items, string label, Func<JsonObject, string> describe)
        {
            if (items.Count == 1) return items[0];
            if (!IsInteractive(cmdlet))
                Fail(cmdlet, "ChoiceRequired", "InvalidArgument", "Several " + label + "s are available; pass -AccountId and -RoleName in a non-interactive session.");
            for (int i = 0; i < items.Count; i++) HostLine(cmdlet, string.Format(CultureInfo.InvariantCulture, "[{0}] {1}", i + 1, describe(items[i])));
            int choice = 0;
            while (choice < 1 || choice > items.Count)
            {
                cmdlet.Host.UI.Write(string.Format(CultureInfo.InvariantCulture, "Choose the {0} (1-{1}): ", label, items.Count));
                string line = cmdlet.Host.UI.ReadLine();
                if (line == null) Fail(cmdlet, "ChoiceRequired", "InvalidArgument", "No " + label + " was chosen.");
                int.TryParse(line, NumberStyles.Integer, CultureInfo.InvariantCulture, out choice);
            }
            return items[choice - 1];
        }

        public static void InitializeAWSSSOConfiguration(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            Run(cmdlet, () =>
            {
                WriteSessionSection(cmdlet, bound);
                if (LanguagePrimitives.IsTrue(cmdlet.GetVariableValue("WhatIfPreference"))) return;
                string session = Str(bound, "SessionName");
                string location = Str(bound, "ProfileLocation");
                var loginBound = new Dictionary<string, object>();
                loginBound["SessionName"] = session;
                foreach (string name in new[] { "UseDeviceCode", "NoBrowser", "ProfileLocation" })
                    if (Has(bound, name)) loginBound[name] = bound[name];
                Login(cmdlet, loginBound);

                string accountId = Str(bound, "AccountId");
                string roleName = Str(bound, "RoleName");
                // Listed with the session's own token: nothing is written to the config until all is known.
                string resolved = string.IsNullOrEmpty(location) ? null : ResolvePath(cmdlet, location);
                if (string.IsNullOrEmpty(accountId))
                {
                    var accounts = new List<JsonObject>(AllPages(cmdlet, "sso.list_accounts", SessionListing(session, resolved, null), "accounts"));
                    if (accounts.Count == 0) Fail(cmdlet, "NoAccounts", "ObjectNotFound", "The SSO user has no account assignments.");
                    accountId = Pick(cmdlet, accounts, "account", a => string.Format(CultureInfo.InvariantCulture, "{0} {1} ({2})", a.Str("account_id"), a.Str("account_name"), a.Str("email_address"))).Str("account_id");
                }
                if (string.IsNullOrEmpty(roleName))
                {
                    var roles = new List<JsonObject>(AllPages(cmdlet, "sso.list_account_roles", SessionListing(session, resolved, accountId), "roles"));
                    if (roles.Count == 0) Fail(cmdlet, "NoRoles", "ObjectNotFound", "The SSO user has no role in account " + accountId + ".");
                    roleName = Pick(cmdlet, roles, "role", r => r.Str("role_name")).Str("role_name");
                }
                string profile = Str(bound, "ProfileName");
                var values = new List<object> { Pair("sso_session", session), Pair("sso_account_id", accountId), Pair("sso_role_name", roleName) };
                string region = Str(bound, "Region");
                if (!string.IsNullOrEmpty(region)) values.Add(Pair("region", region));
                ConfigEdit(cmdlet, "profile " + profile, values, location, "[profile " + profile + "]");
                foreach (JsonObject p in ProfileDetails(cmdlet, location))
                {
                    if (string.Equals(p.Str("profile_name"), profile, StringComparison.Ordinal)) cmdlet.WriteObject(ToProfileDetail(p));
                }
            });
        }
    }
}
