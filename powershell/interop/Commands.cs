// The commands' one call: each exported PowerShell function is its param() block, help and
// [OutputType], then `[AWS.Tools.RustSSO.Interop.Commands]::<Name>($PSCmdlet, $PSBoundParameters)`.
// Here the request is built from the bound parameters, the native library is called (page by
// page where the service pages), and typed objects, -Verbose/-Debug lines, warnings and
// ErrorRecords are written through the calling PSCmdlet, so pipeline stopping and Ctrl+C work
// as for any command.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace AWS.Tools.RustSSO.Interop
{
    public static partial class Commands
    {
        private static readonly bool SharedEnvironment = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        // ------------------------------------------------------------------ the shared path

        /// <summary>PowerShell's view of the variables the native library reads. On Linux and
        /// macOS, $env: changes live only in .NET's managed copy of the environment, so they are
        /// sent along; on Windows the library sees the same environment and nothing is sent.</summary>
        public static Hashtable EnvironmentView()
        {
            return EnvironmentView(null);
        }

        /// <summary>The view, with the shell's proxy (Set-AWSProxy) when the calling command has
        /// one, and on Windows the system proxy when neither it nor the environment names one:
        /// the order is Set-AWSProxy, then the environment, then the system.</summary>
        public static Hashtable EnvironmentView(PSCmdlet cmdlet)
        {
            AWSProxySettings shellProxy = cmdlet == null ? null : GlobalVariable(cmdlet, StoredProxyVariable) as AWSProxySettings;
            string systemProxy = shellProxy == null && SharedEnvironment ? SystemProxy.For(Environment.GetEnvironmentVariables()) : null;
            if (SharedEnvironment && shellProxy == null && systemProxy == null) return null;
            var view = new Hashtable();
            foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
            {
                string name = (string)entry.Key;
                if (name.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase) || name == "HOME" || name == "USERPROFILE" || name == "HOMEDRIVE" || name == "HOMEPATH" || Array.IndexOf(NetworkVariables, name) >= 0)
                    view[name] = (string)entry.Value;
            }
            if (shellProxy != null)
            {
                view["AWS_TOOLS_RUSTSSO_PROXY"] = ProxyUrl(shellProxy);
                var bypass = new List<string>();
                if (shellProxy.BypassList != null) bypass.AddRange(shellProxy.BypassList);
                if (shellProxy.BypassOnLocal) bypass.AddRange(new[] { "localhost", "127.0.0.1", "::1" });
                if (bypass.Count > 0) view["AWS_TOOLS_RUSTSSO_PROXY_BYPASS"] = string.Join(",", bypass.ToArray());
            }
            else if (systemProxy != null)
            {
                view["AWS_TOOLS_RUSTSSO_SYSTEM_PROXY"] = systemProxy;
            }
            return view;
        }

        internal const string StoredProxyVariable = "StoredAWSProxy";

        /// <summary>http://user:password@host:port, user and password percent-encoded.</summary>
        private static string ProxyUrl(AWSProxySettings p)
        {
            string userInfo = string.Empty;
            if (!string.IsNullOrEmpty(p.Username))
            {
                userInfo = Uri.EscapeDataString(p.Username);
                if (p.Password != null && p.Password.Length > 0)
                {
                    IntPtr plain = Marshal.SecureStringToGlobalAllocUnicode(p.Password);
                    try { userInfo += ":" + Uri.EscapeDataString(Marshal.PtrToStringUni(plain)); }
                    finally { Marshal.ZeroFreeGlobalAllocUnicode(plain); }
                }
                userInfo += "@";
            }
            return "http://" + userInfo + p.Hostname + ":" + p.Port.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>The proxy .NET resolves for AWS endpoints on Windows (WinINET settings, PAC
        /// and WPAD, as group policy sets them), asked at most every five minutes (a PAC script
        /// can be slow); null when there is none or the environment names one.</summary>
        private static class SystemProxy
        {
            private static readonly object Gate = new object();
            private static string cached;
            private static DateTime checkedAt = DateTime.MinValue;

            public static string For(IDictionary environment)
            {
                foreach (string name in NetworkVariables)
                    if (name.IndexOf("PROXY", StringComparison.OrdinalIgnoreCase) >= 0 && environment.Contains(name)) return null;
                lock (Gate)
                {
                    if (DateTime.UtcNow - checkedAt < TimeSpan.FromMinutes(5)) return cached;
                    checkedAt = DateTime.UtcNow;
                    cached = null;
                    try
                    {
                        var target = new Uri("https://sts.amazonaws.com/");
                        System.Net.IWebProxy system = System.Net.WebRequest.GetSystemWebProxy();
                        Uri via = system == null || system.IsBypassed(target) ? null : system.GetProxy(target);
                        if (via != null && via != target && !string.Equals(via.Host, target.Host, StringComparison.OrdinalIgnoreCase))
                            cached = "http://" + via.Host + ":" + via.Port.ToString(CultureInfo.InvariantCulture);
                    }
                    catch (Exception) { cached = null; }
                    return cached;
                }
            }
        }

        /// <summary>The proxy and trust variables, which the library reads from the view (a
        /// session's `$env:HTTPS_PROXY` or `$env:AWS_CA_BUNDLE` reaches it this way).</summary>
        private static readonly string[] NetworkVariables = { "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR" };

        /// <summary>Text that came from outside the module (a service's error message, an account
        /// name, a URL), made safe to show: each C0 control but tab and newline, DEL, each C1
        /// control and each bidi control becomes U+FFFD. A terminal runs escape sequences it is
        /// sent (ESC ] 52 writes the clipboard, ESC [8m hides what follows) and bidi overrides
        /// make text read otherwise than it is; U+FFFD shows that something was there without
        /// doing it.</summary>
        public static string Printable(string text)
        {
            if (text == null) return null;
            int k = 0;
            while (k < text.Length && !IsUnprintable(text[k])) k++;
            if (k == text.Length) return text;
            var chars = text.ToCharArray();
            for (; k < chars.Length; k++) if (IsUnprintable(chars[k])) chars[k] = '\uFFFD';
            return new string(chars);
        }

        private static bool IsUnprintable(char c)
        {
            if (c < 0x20) return c != '\t' && c != '\n';
            if (c < 0x7F) return false;
            if (c <= 0x9F) return true;
            return c == '\u061C' || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069');
        }

        /// <summary>An ErrorRecord with a stable id, the category's exception type (so that
        /// `catch [System.UnauthorizedAccessException]` written for AWS Tools keeps working).
        /// Id and message may hold a server's text: both are made <see cref="Printable"/>.</summary>
        public static ErrorRecord NewErrorRecord(string code, string message, string category, object target)
        {
            code = Printable(code);
            message = Printable(message);
            Exception exception;
            switch (category)
            {
                case "AuthenticationError":
                case "PermissionDenied": exception = new UnauthorizedAccessException(message); break;
                case "InvalidArgument": exception = new ArgumentException(message); break;
                case "ObjectNotFound": exception = new ItemNotFoundException(message); break;
                case "OperationTimeout": exception = new TimeoutException(message); break;
                case "OperationStopped": exception = new OperationCanceledException(message); break;
                case "ConnectionError": exception = new System.Net.WebException(message); break;
                case "InvalidData": exception = new System.IO.InvalidDataException(message); break;
                case "SecurityError": exception = new System.Security.SecurityException(message); break;
                default: exception = new InvalidOperationException(message); break;
            }
            ErrorCategory value;
            if (!Enum.TryParse(category, out value)) value = ErrorCategory.NotSpecified;
            return new ErrorRecord(exception, code, value, target);
        }

        internal static void Fail(PSCmdlet cmdlet, string code, string category, string message, object target = null)
        {
            cmdlet.ThrowTerminatingError(NewErrorRecord(code, message, category, target));
        }

        /// <summary>One native call. Returns the parsed result, or throws a terminating ErrorRecord
        /// through the calling command. The request is never written to any stream: it may carry
        /// a secret key. Results with diagnostics ({result, meta}) have them written to -Verbose
        /// and -Debug, and the library's warnings to the warning stream.</summary>
        public static object Invoke(PSCmdlet cmdlet, string operation, Hashtable parameters, object target)
        {
            var request = new Hashtable();
            request["op"] = operation;
            if (parameters.ContainsKey("timeout_ms"))
            {
                request["timeout_ms"] = parameters["timeout_ms"];
                parameters.Remove("timeout_ms");
            }
            request["params"] = parameters;
            request["env"] = EnvironmentView(cmdlet);
            NativeResult result;
            try
            {
                result = Native.Call(Json.Write(request), cmdlet);
            }
            catch (NativeLibraryException e)
            {
                throw new PipelineStoppedOrFailed(NewErrorRecord("NativeLibraryUnavailable", e.Message, "ResourceUnavailable", target));
            }
            object parsed = result.Value;
            if (!result.IsSuccess)
            {
                var failure = parsed as JsonObject ?? new JsonObject();
                throw new PipelineStoppedOrFailed(NewErrorRecord(failure.Str("code") ?? "NativeError", failure.Str("message") ?? "The native library failed.", failure.Str("category") ?? "NotSpecified", target));
            }
            var obj = parsed as JsonObject;
            JsonObject meta;
            if (obj != null && obj.ContainsKey("result") && (meta = obj.Obj("meta")) != null)
            {
                foreach (object w in meta.List("warnings")) Warning(cmdlet, Convert.ToString(w, CultureInfo.InvariantCulture));
                if (meta.ContainsKey("operation"))
                {
                    if (Wanted(cmdlet, "VerbosePreference"))
                        Verbose(cmdlet, string.Format(CultureInfo.InvariantCulture, "{0}: called {1} in {2} ms.", meta.Str("operation"), meta.Str("endpoint"), meta.Str("duration_ms")));
                    if (Wanted(cmdlet, "DebugPreference"))
                    {
                        string token = meta.Str("token_expires_at");
                        string note = string.IsNullOrEmpty(token) ? string.Empty : ", token valid until " + token;
                        Debug(cmdlet, "Credentials obtained from " + meta.Str("credential_source") + note + ".");
                        Debug(cmdlet, "Region " + meta.Str("region") + " obtained from " + meta.Str("region_source") + ".");
                        string network = meta.Str("network");
                        if (!string.IsNullOrEmpty(network)) Debug(cmdlet, "Network: " + network + ".");
                    }
                }
                object inner;
                obj.TryGetValue("result", out inner);
                return inner;
            }
            return parsed;
        }

#if RUSTSSO_TEST_HOOKS
        /// <summary>Any operation through the commands' path, its answer written as parsed.
        /// Test build only: tests reach the library's test operations through it.</summary>
        public static void InvokeOperation(PSCmdlet cmdlet, string operation, Hashtable parameters)
        {
            Run(cmdlet, () => cmdlet.WriteObject(Invoke(cmdlet, operation, parameters, null)));
        }
#endif

        /// <summary>Carries an ErrorRecord out of <see cref="Invoke"/> to the command's entry,
        /// which throws it through its PSCmdlet.</summary>
        private sealed class PipelineStoppedOrFailed : Exception
        {
            public PipelineStoppedOrFailed(ErrorRecord record) : base(record.Exception.Message) { Record = record; }
            public ErrorRecord Record { get; private set; }
        }

        /// <summary>Runs a command body; a failure becomes the command's terminating error.</summary>
        private static void Run(PSCmdlet cmdlet, Action body)
        {
            try { body(); }
            catch (PipelineStoppedOrFailed failed) { cmdlet.ThrowTerminatingError(failed.Record); }
        }

        /// <summary>The SSO role credential a service command got through -Credential from the
        /// pipeline (an SSORole, or Get-AWSCredential -AccountId -RoleName), when that is what
        /// the command runs with; null otherwise (an explicit -Credential is single-account use:
        /// plain output, terminating errors).</summary>
        private static AWSCredentials FanOutRole(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            if (!cmdlet.MyInvocation.ExpectingInput) return null;
            if (Has(bound, "AccessKey") || Has(bound, "SecretKey") || Has(bound, "ProfileName") || !Has(bound, "Credential")) return null;
            var credential = Value<AWSCredentials>(bound, "Credential");
            return credential != null && credential.IsSsoRole ? credential : null;
        }

        /// <summary>Runs a service command's body. With an SSO role credential from the pipeline a
        /// failure is that account's: a non-terminating error that names the account and role,
        /// and the pipeline goes on with the next one (-ErrorAction Stop stops it as usual).</summary>
        private static void RunService(PSCmdlet cmdlet, IDictionary<string, object> bound, Action<AWSCredentials> body)
        {
            AWSCredentials role = FanOutRole(cmdlet, bound);
            try { body(role); }
            catch (PipelineStoppedOrFailed failed)
            {
                if (role == null) cmdlet.ThrowTerminatingError(failed.Record);
                ErrorRecord record = failed.Record;
                string message = record.Exception.Message;
                if (message.IndexOf(role.AccountId, StringComparison.Ordinal) < 0 || message.IndexOf(role.RoleName, StringComparison.Ordinal) < 0)
                    message = Printable(string.Format(CultureInfo.InvariantCulture, "Account {0}, role {1}: {2}", role.AccountId, role.RoleName, message));
                Exception exception;
                try { exception = (Exception)Activator.CreateInstance(record.Exception.GetType(), message); }
                catch (MissingMethodException) { exception = new InvalidOperationException(message); }
                cmdlet.WriteError(new ErrorRecord(exception, record.FullyQualifiedErrorId, record.CategoryInfo.Category, role));
            }
        }

        /// <summary>Writes a service command's object; with an SSO role credential from the pipeline
        /// it says where it came from: AccountId and RoleName are added, and the type name
        /// '&lt;type&gt;#SSORole' selects the view that shows them.</summary>
        private static void Emit(PSCmdlet cmdlet, object value, AWSCredentials role)
        {
            if (role == null || value == null)
            {
                cmdlet.WriteObject(value);
                return;
            }
            var wrapped = new PSObject(value);
            wrapped.TypeNames.Insert(0, value.GetType().FullName + "#SSORole");
            wrapped.Properties.Add(new PSNoteProperty("AccountId", role.AccountId));
            wrapped.Properties.Add(new PSNoteProperty("RoleName", role.RoleName));
            cmdlet.WriteObject(wrapped);
        }

        // Verbose, debug and warning lines go through the script cmdlets, so that they follow the
        // calling function's preference variables exactly as its own Write-Verbose would: the
        // function's command runtime would prompt ('Inquire') for verbose and debug lines under
        // -Debug, and Windows PowerShell 5.1 turns -Debug into 'Inquire' for debug lines too.
        private static ScriptBlock verboseWriter, debugWriter;

        /// <summary>Whether a line of this stream would be shown: -Verbose/-Debug when given,
        /// else the preference variable as the module sees it (module scope, then global).</summary>
        private static bool Wanted(PSCmdlet cmdlet, string preferenceVariable)
        {
            object given;
            string switchName = preferenceVariable == "VerbosePreference" ? "Verbose" : "Debug";
            if (cmdlet.MyInvocation.BoundParameters.TryGetValue(switchName, out given))
                return given is SwitchParameter ? ((SwitchParameter)given).IsPresent : LanguagePrimitives.IsTrue(given);
            object pref = cmdlet.GetVariableValue(preferenceVariable);
            if (pref is PSObject) pref = ((PSObject)pref).BaseObject;
            return pref is ActionPreference && (ActionPreference)pref != ActionPreference.SilentlyContinue && (ActionPreference)pref != ActionPreference.Ignore;
        }

        // Each line may hold a server's or a file's text: it is made Printable on the way out.
        internal static void Verbose(PSCmdlet cmdlet, string line)
        {
            if (verboseWriter == null) verboseWriter = ScriptBlock.Create("param([string] $Message) Microsoft.PowerShell.Utility\\Write-Verbose -Message $Message");
            verboseWriter.Invoke(Printable(line));
        }

        internal static void Debug(PSCmdlet cmdlet, string line)
        {
            if (debugWriter == null) debugWriter = ScriptBlock.Create("param([string] $Message) if ($DebugPreference -eq 'Inquire') { $DebugPreference = 'Continue' }; Microsoft.PowerShell.Utility\\Write-Debug -Message $Message");
            debugWriter.Invoke(Printable(line));
        }

        internal static void Warning(PSCmdlet cmdlet, string line)
        {
            // Through the command itself, so that its -WarningAction and -WarningVariable apply.
            cmdlet.WriteWarning(Printable(line));
        }

        // ------------------------------------------------------------------ parameters

        internal static bool Has(IDictionary<string, object> bound, string name) { return bound.ContainsKey(name); }

        internal static string Str(IDictionary<string, object> bound, string name)
        {
            object v;
            if (!bound.TryGetValue(name, out v) || v == null) return null;
            var pso = v as PSObject;
            if (pso != null) v = pso.BaseObject;
            return Convert.ToString(v, CultureInfo.InvariantCulture);
        }

        internal static bool Switch(IDictionary<string, object> bound, string name)
        {
            object v;
            if (!bound.TryGetValue(name, out v) || v == null) return false;
            if (v is SwitchParameter) return ((SwitchParameter)v).IsPresent;
            if (v is bool) return (bool)v;
            return LanguagePrimitives.IsTrue(v);
        }

        internal static T Value<T>(IDictionary<string, object> bound, string name)
        {
            object v;
            if (!bound.TryGetValue(name, out v) || v == null) return default(T);
            return (T)LanguagePrimitives.ConvertTo(v, typeof(T), CultureInfo.InvariantCulture);
        }

        /// <summary>A path as PowerShell means it: relative to the current location (not the
        /// process's working directory), PSDrive names resolved. A leading ~ is left for the
        /// native side, which expands it against the caller's home as aws-config does.</summary>
        public static string ResolvePath(PSCmdlet cmdlet, string path)
        {
            if (string.IsNullOrEmpty(path) || Regex.IsMatch(path, @"^~([\\/]|$)")) return path;
            return cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }

        private static object GlobalVariable(PSCmdlet cmdlet, string name)
        {
            object v = cmdlet.SessionState.PSVariable.GetValue("global:" + name);
            var pso = v as PSObject;
            return pso != null ? pso.BaseObject : v;
        }

        /// <summary>The credential, profile, region and endpoint settings every service command
        /// shares, in the AWS Tools order: keys, -ProfileName, -Credential, $StoredAWSCredentials,
        /// then what the native library finds (environment keys, AWS_PROFILE, the default
        /// profile, ...); region: -Region, $StoredAWSRegion, then AWS_REGION / AWS_DEFAULT_REGION,
        /// the selected profile's region and us-east-1.</summary>
        /// <summary>The bound parameters without the values that only echo piped input, as a copy
        /// (the binder re-binds only pipeline parameters per record, so the original must stay
        /// whole): a property that is null on the piped object binds as '' to a [string]
        /// parameter, and a piped credential's own ProfileName, SessionName, ProfileLocation,
        /// AccountId and RoleName bind by property name beside it. What the credential says is
        /// what counts.</summary>
        internal static IDictionary<string, object> WithoutPipedEchoes(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            if (!cmdlet.MyInvocation.ExpectingInput) return bound;
            var credential = Has(bound, "Credential") ? Value<AWSCredentials>(bound, "Credential") : null;
            var drop = new List<string>();
            foreach (KeyValuePair<string, object> pair in bound)
            {
                object value = pair.Value is PSObject ? ((PSObject)pair.Value).BaseObject : pair.Value;
                if (value is string && ((string)value).Length == 0) drop.Add(pair.Key);
            }
            if (credential != null)
            {
                var own = new Dictionary<string, string>
                {
                    { "ProfileName", credential.ProfileName }, { "SessionName", credential.SessionName }, { "ProfileLocation", credential.ProfileLocation },
                    { "AccountId", credential.AccountId }, { "RoleName", credential.RoleName },
                };
                foreach (KeyValuePair<string, string> pair in own)
                {
                    if (Has(bound, pair.Key) && string.Equals(Str(bound, pair.Key), pair.Value, StringComparison.Ordinal)) drop.Add(pair.Key);
                }
            }
            if (drop.Count == 0) return bound;
            var copy = new Dictionary<string, object>(bound, StringComparer.OrdinalIgnoreCase);
            foreach (string key in drop) copy.Remove(key);
            return copy;
        }

        public static Hashtable CommonParameters(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            foreach (KeyValuePair<string, object> pair in bound)
            {
                object value = pair.Value is PSObject ? ((PSObject)pair.Value).BaseObject : pair.Value;
                string s = value as string;
                if (s != null && pair.Key != "SessionToken" && (s.Length > 4096 || s.Trim().Length == 0))
                    Fail(cmdlet, "InvalidParameterValue", "InvalidArgument", string.Format(CultureInfo.InvariantCulture, "The value of -{0} is empty, blank or longer than 4096 characters.", pair.Key));
            }
            var auth = new Hashtable();
            AWSCredentials credential = null;
            if (Has(bound, "AccessKey") || Has(bound, "SecretKey"))
            {
                auth["access_key"] = Str(bound, "AccessKey") ?? string.Empty;
                auth["secret_key"] = Str(bound, "SecretKey") ?? string.Empty;
                if (Has(bound, "SessionToken")) auth["session_token"] = Str(bound, "SessionToken") ?? string.Empty;
            }
            else if (Has(bound, "ProfileName"))
            {
                auth["profile"] = Str(bound, "ProfileName");
            }
            else if (Has(bound, "Credential") && bound["Credential"] != null)
            {
                credential = Value<AWSCredentials>(bound, "Credential");
            }
            else
            {
                credential = GlobalVariable(cmdlet, "StoredAWSCredentials") as AWSCredentials;
            }
            if (credential != null)
            {
                foreach (DictionaryEntry pair in credential.ToRequest()) auth[pair.Key] = pair.Value;
            }
            if (Has(bound, "ProfileLocation")) auth["profile_location"] = ResolvePath(cmdlet, Str(bound, "ProfileLocation"));
            var common = new Hashtable();
            common["auth"] = auth;
            if (Has(bound, "Region"))
            {
                common["region"] = Str(bound, "Region");
            }
            else
            {
                object stored = GlobalVariable(cmdlet, "StoredAWSRegion");
                if (stored != null && !string.IsNullOrEmpty(Convert.ToString(stored, CultureInfo.InvariantCulture)))
                    common["default_region"] = Convert.ToString(stored, CultureInfo.InvariantCulture);
            }
            if (Has(bound, "EndpointUrl")) common["endpoint_url"] = Str(bound, "EndpointUrl");
            if (Has(bound, "TimeoutSec")) common["timeout_ms"] = (long)Value<int>(bound, "TimeoutSec") * 1000;
            if (Has(bound, "MaxAttempt")) common["max_attempts"] = Value<int>(bound, "MaxAttempt");
            return common;
        }

        private static Hashtable Clone(Hashtable h) { return (Hashtable)h.Clone(); }

        /// <summary>The common parameters, plus -SessionName for the commands that can use an
        /// sso-session's token without a profile.</summary>
        private static Hashtable SessionParameters(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            Hashtable parameters = CommonParameters(cmdlet, bound);
            string session = Str(bound, "SessionName");
            if (!string.IsNullOrEmpty(session)) parameters["session_name"] = session;
            return parameters;
        }

        /// <summary>The continuation tokens of one listing. A service that answers a token it was
        /// already called with would be called forever (the SDK paginators stop there too): that
        /// ends the listing with PaginationLoop. Every paging loop goes through <see cref="Next"/>.</summary>
        private sealed class PageTokens
        {
            private readonly string operation;
            private readonly HashSet<string> sent = new HashSet<string>(StringComparer.Ordinal);
            private int pages;

            public PageTokens(string operation, string first)
            {
                this.operation = operation;
                if (!string.IsNullOrEmpty(first)) sent.Add(first);
            }

            /// <summary>The token to call the next page with, or null after the last page.</summary>
            public string Next(string received)
            {
                pages++;
                if (string.IsNullOrEmpty(received)) return null;
                if (!sent.Add(received))
                    throw new PipelineStoppedOrFailed(NewErrorRecord("PaginationLoop", string.Format(CultureInfo.InvariantCulture, "{0} answered page {1} with a continuation token it had already been called with; the listing was stopped, as it would never end.", operation, pages), "InvalidResult", null));
                return received;
            }
        }

        /// <summary>The service's name of an operation of the native library, for messages
        /// ('sso.list_accounts' is SSO ListAccounts).</summary>
        private static string OperationName(string operation)
        {
            string[] parts = operation.Split('.');
            var name = new System.Text.StringBuilder(parts[0].ToUpperInvariant()).Append(' ');
            foreach (string word in parts[parts.Length - 1].Split('_'))
                if (word.Length > 0) name.Append(char.ToUpperInvariant(word[0])).Append(word.Substring(1));
            return name.ToString();
        }

        /// <summary>Every item under <paramref name="key"/> of every page of a paged portal
        /// operation (next_token), for the commands that need the whole list: streamed, so a page
        /// is fetched when the items before it have been used and only one page is held.</summary>
        private static IEnumerable<JsonObject> AllPages(PSCmdlet cmdlet, string operation, Hashtable parameters, string key)
        {
            var tokens = new PageTokens(OperationName(operation), null);
            string token = null;
            do
            {
                Hashtable call = Clone(parameters);
                if (token != null) call["next_token"] = token;
                var page = Invoke(cmdlet, operation, call, null) as JsonObject ?? new JsonObject();
                foreach (object o in page.List(key)) if (o is JsonObject) yield return (JsonObject)o;
                token = tokens.Next(page.Str("next_token"));
            } while (token != null);
        }

        // ------------------------------------------------------------------ S3

        private static readonly Regex SelectPattern = new Regex(@"^(Buckets|\*|Owner|ContinuationToken|Prefix|Buckets\.(BucketName|CreationDate|BucketRegion|BucketArn)|\^\w+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        public static void GetS3Bucket(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            RunService(cmdlet, bound, role =>
            {
                string select = Has(bound, "Select") ? Str(bound, "Select") : "Buckets";
                string bucketName = BucketNameGiven(cmdlet, bound);
                if (Has(bound, "Select") && bucketName != null)
                    Fail(cmdlet, "BucketNameWithSelect", "InvalidArgument", "-BucketName cannot be used when -Select is specified.");
                if (select == null || !SelectPattern.IsMatch(select))
                    Fail(cmdlet, "InvalidSelect", "InvalidArgument", string.Format(CultureInfo.InvariantCulture, "-Select '{0}' is not valid: use Buckets, *, Owner, ContinuationToken, Prefix, Buckets.<Property> or ^ParameterName.", select));
                Hashtable parameters = CommonParameters(cmdlet, bound);
                if (Has(bound, "ForcePathStyleAddressing")) parameters["force_path_style"] = Value<bool>(bound, "ForcePathStyleAddressing");
                if (Has(bound, "MaxBucket")) parameters["max_buckets"] = Value<int>(bound, "MaxBucket");
                string bucketRegion = Str(bound, "BucketRegion");
                if (!string.IsNullOrEmpty(bucketRegion)) parameters["bucket_region"] = bucketRegion;
                string prefix = Str(bound, "Prefix");
                if (!string.IsNullOrEmpty(prefix)) parameters["prefix"] = prefix;
                string token = Str(bound, "ContinuationToken");
                bool onePage = Switch(bound, "NoAutoIteration") || !string.IsNullOrEmpty(token);
                var tokens = new PageTokens("S3 ListBuckets", token);
                do
                {
                    if (!string.IsNullOrEmpty(token)) parameters["continuation_token"] = token;
                    var page = Invoke(cmdlet, "s3.list_buckets", Clone(parameters), null) as JsonObject ?? new JsonObject();
                    List<object> items = page.List("buckets");
                    page.Remove("buckets");
                    WriteSelected(cmdlet, bound, select, page, Buckets(items, bucketName), role);
                    if (onePage) break;
                    token = tokens.Next(page.Str("continuation_token"));
                } while (token != null);
            });
        }

        /// <summary>-BucketName as the user gave it. A credential piped in binds to -Credential
        /// and, as a string, to -BucketName too (both take pipeline input): that is no bucket
        /// name. A credential's string always holds a space, which no bucket name can.</summary>
        private static string BucketNameGiven(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            if (!Has(bound, "BucketName")) return null;
            string name = Str(bound, "BucketName");
            var credential = Has(bound, "Credential") ? Value<AWSCredentials>(bound, "Credential") : null;
            if (credential != null && string.Equals(name, credential.ToString(), StringComparison.Ordinal)) return null;
            return name;
        }

        private static S3Owner Owner(JsonObject page)
        {
            JsonObject o = page.Obj("owner");
            return o == null ? null : new S3Owner { Id = o.Str("id"), DisplayName = o.Str("display_name") };
        }

        /// <summary>A page's buckets, each built as it is written (and its parsed item let go),
        /// so that a long page is never held twice over while PowerShell works through it.</summary>
        private static IEnumerable<S3Bucket> Buckets(List<object> items, string bucketName)
        {
            for (int i = 0; i < items.Count; i++)
            {
                var b = items[i] as JsonObject;
                items[i] = null;
                if (b == null) continue;
                string name = b.Str("name");
                if (!string.IsNullOrEmpty(bucketName) && !string.Equals(name, bucketName, StringComparison.Ordinal)) continue;
                yield return new S3Bucket { BucketName = name, CreationDate = b.Date("creation_date"), BucketRegion = b.Str("bucket_region"), BucketArn = b.Str("bucket_arn") };
            }
        }

        private static void WriteSelected(PSCmdlet cmdlet, IDictionary<string, object> bound, string select, JsonObject page, IEnumerable<S3Bucket> buckets, AWSCredentials role)
        {
            if (string.Equals(select, "Buckets", StringComparison.OrdinalIgnoreCase))
            {
                foreach (S3Bucket b in buckets)
                {
                    if (role == null) cmdlet.WriteObject(b);
                    else Emit(cmdlet, b, role);
                }
            }
            else if (select.StartsWith("Buckets.", StringComparison.OrdinalIgnoreCase))
            {
                string property = select.Substring("Buckets.".Length).ToLowerInvariant();
                foreach (S3Bucket b in buckets)
                {
                    switch (property)
                    {
                        case "bucketname": cmdlet.WriteObject(b.BucketName); break;
                        case "creationdate": cmdlet.WriteObject(b.CreationDate); break;
                        case "bucketregion": cmdlet.WriteObject(b.BucketRegion); break;
                        default: cmdlet.WriteObject(b.BucketArn); break;
                    }
                }
            }
            else if (select == "*")
            {
                Emit(cmdlet, new ListBucketsResponse { Buckets = new List<S3Bucket>(buckets).ToArray(), ContinuationToken = page.Str("continuation_token"), Owner = Owner(page), Prefix = page.Str("prefix") }, role);
            }
            else if (string.Equals(select, "Owner", StringComparison.OrdinalIgnoreCase))
            {
                S3Owner owner = Owner(page);
                if (owner != null) cmdlet.WriteObject(owner);
            }
            else if (string.Equals(select, "ContinuationToken", StringComparison.OrdinalIgnoreCase))
            {
                cmdlet.WriteObject(page.Str("continuation_token"));
            }
            else if (string.Equals(select, "Prefix", StringComparison.OrdinalIgnoreCase))
            {
                cmdlet.WriteObject(page.Str("prefix"));
            }
            else if (select.StartsWith("^", StringComparison.Ordinal))
            {
                object v;
                cmdlet.WriteObject(bound.TryGetValue(select.Substring(1), out v) ? v : null);
            }
        }

        // ------------------------------------------------------------------ STS

        public static void GetSTSCallerIdentity(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            RunService(cmdlet, bound, role =>
            {
                var identity = Invoke(cmdlet, "sts.get_caller_identity", CommonParameters(cmdlet, bound), null) as JsonObject ?? new JsonObject();
                Emit(cmdlet, new CallerIdentity { Account = identity.Str("account"), Arn = identity.Str("arn"), UserId = identity.Str("user_id") }, role);
            });
        }

        // ------------------------------------------------------------------ SSO portal

        private static void Paged(PSCmdlet cmdlet, IDictionary<string, object> bound, string operation, Hashtable parameters, Action<JsonObject> writePage)
        {
            if (Has(bound, "MaxResult")) parameters["max_results"] = Value<int>(bound, "MaxResult");
            string first = Str(bound, "NextToken");
            bool onePage = Switch(bound, "NoAutoIteration") || !string.IsNullOrEmpty(first);
            var tokens = new PageTokens(OperationName(operation), first);
            string token = first;
            do
            {
                Hashtable call = Clone(parameters);
                if (!string.IsNullOrEmpty(token)) call["next_token"] = token;
                var page = Invoke(cmdlet, operation, call, null) as JsonObject ?? new JsonObject();
                writePage(page);
                if (onePage) break;
                token = tokens.Next(page.Str("next_token"));
            } while (token != null);
        }

        public static void GetSSOAccountList(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            Run(cmdlet, () =>
            {
                Hashtable parameters = SessionParameters(cmdlet, bound);
                string session = Str(bound, "SessionName");
                string profile = Str(bound, "ProfileName");
                Paged(cmdlet, bound, "sso.list_accounts", parameters, page =>
                {
                    foreach (object item in page.List("accounts"))
                    {
                        var a = item as JsonObject ?? new JsonObject();
                        // Name and email are only shown (never sent back): made Printable. The id is sent back as it is.
                        var account = new SSOAccount { AccountId = a.Str("account_id"), AccountName = Printable(a.Str("account_name")), EmailAddress = Printable(a.Str("email_address")) };
                        // Only when given, so that piping to Get-SSOAccountRoleList binds no empty name.
                        if (string.IsNullOrEmpty(profile) && string.IsNullOrEmpty(session))
                        {
                            cmdlet.WriteObject(account);
                            continue;
                        }
                        var wrapped = new PSObject(account);
                        if (!string.IsNullOrEmpty(profile)) wrapped.Properties.Add(new PSNoteProperty("ProfileName", profile));
                        if (!string.IsNullOrEmpty(session)) wrapped.Properties.Add(new PSNoteProperty("SessionName", session));
                        cmdlet.WriteObject(wrapped);
                    }
                });
            });
        }

        public static void GetSSOAccountRoleList(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            Run(cmdlet, () =>
            {
                Hashtable parameters = SessionParameters(cmdlet, bound);
                string account = Str(bound, "AccountId");
                if (!string.IsNullOrEmpty(account)) parameters["account_id"] = account;
                string session = Str(bound, "SessionName");
                // Each role is also an SSO role credential with the token these roles were listed with.
                string profile = Str(bound, "ProfileName");
                string location = Has(bound, "ProfileLocation") ? ResolvePath(cmdlet, Str(bound, "ProfileLocation")) : null;
                if (string.IsNullOrEmpty(profile) && string.IsNullOrEmpty(session))
                {
                    var stored = (Has(bound, "Credential") ? Value<AWSCredentials>(bound, "Credential") : null) ?? GlobalVariable(cmdlet, "StoredAWSCredentials") as AWSCredentials;
                    if (stored != null && stored.AccessKey == null)
                    {
                        profile = stored.ProfileName;
                        session = stored.SessionName;
                        if (location == null) location = stored.ProfileLocation;
                    }
                }
                Paged(cmdlet, bound, "sso.list_account_roles", parameters, page =>
                {
                    foreach (object item in page.List("roles"))
                    {
                        var r = item as JsonObject ?? new JsonObject();
                        cmdlet.WriteObject(new SSORole
                        {
                            AccountId = r.Str("account_id"),
                            RoleName = r.Str("role_name"),
                            ProfileName = string.IsNullOrEmpty(profile) ? null : profile,
                            SessionName = string.IsNullOrEmpty(session) ? null : session,
                            ProfileLocation = location,
                        });
                    }
                });
            });
        }

        public static void GetSSORoleCredential(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            Run(cmdlet, () =>
            {
                Hashtable parameters = SessionParameters(cmdlet, bound);
                string account = Str(bound, "AccountId");
                string role = Str(bound, "RoleName");
                if (!string.IsNullOrEmpty(account)) parameters["account_id"] = account;
                if (!string.IsNullOrEmpty(role)) parameters["role_name"] = role;
                var c = Invoke(cmdlet, "sso.get_role_credentials", parameters, null) as JsonObject ?? new JsonObject();
                cmdlet.WriteObject(new RoleCredentials
                {
                    AccountId = c.Str("account_id"),
                    RoleName = c.Str("role_name") ?? role,
                    AccessKeyId = c.Str("access_key_id"),
                    SecretAccessKey = c.Str("secret_access_key"),
                    SessionToken = c.Str("session_token"),
                    Expiration = c.Date("expiration"),
                });
            });
        }
    }
}
