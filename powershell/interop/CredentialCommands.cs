// The shell-default commands (credentials and region, as AWS Tools keeps them in
// $StoredAWSCredentials and $StoredAWSRegion), the profile listing and credential export.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Text;
using System.Text.RegularExpressions;

namespace AWS.Tools.RustSSO.Interop
{
    public static partial class Commands
    {
        private static void SetGlobal(PSCmdlet cmdlet, string name, object value)
        {
            cmdlet.SessionState.PSVariable.Set("global:" + name, value);
        }

        private static void RemoveGlobal(PSCmdlet cmdlet, string name)
        {
            if (cmdlet.SessionState.PSVariable.Get("global:" + name) != null) cmdlet.SessionState.PSVariable.Remove("global:" + name);
        }

        internal static List<JsonObject> ProfileDetails(PSCmdlet cmdlet, string profileLocation)
        {
            var parameters = new Hashtable();
            if (!string.IsNullOrEmpty(profileLocation)) parameters["profile_location"] = ResolvePath(cmdlet, profileLocation);
            var list = new List<JsonObject>();
            var result = Invoke(cmdlet, "config.list_profiles", parameters, null) as List<object>;
            if (result != null) foreach (object o in result) if (o is JsonObject) list.Add((JsonObject)o);
            return list;
        }

        internal static ProfileDetail ToProfileDetail(JsonObject p)
        {
            return new ProfileDetail
            {
                ProfileName = p.Str("profile_name"),
                ProfileLocation = p.Str("profile_location"),
                Kind = p.Str("kind"),
                Region = p.Str("region"),
                SsoSession = p.Str("sso_session"),
                AccountId = p.Str("account_id"),
                RoleName = p.Str("role_name"),
                TokenStatus = p.Str("token_status"),
                TokenExpiresAt = p.Date("token_expires_at"),
                Problem = p.Str("problem"),
            };
        }

        private static AWSCredentials KnownProfile(PSCmdlet cmdlet, string profileName, string profileLocation)
        {
            foreach (JsonObject p in ProfileDetails(cmdlet, profileLocation))
            {
                if (string.Equals(p.Str("profile_name"), profileName, StringComparison.Ordinal))
                    return AWSCredentials.FromProfile(profileName, string.IsNullOrEmpty(profileLocation) ? null : ResolvePath(cmdlet, profileLocation));
            }
            throw new PipelineStoppedOrFailed(NewErrorRecord("ProfileNotFound", string.Format(CultureInfo.InvariantCulture, "The profile '{0}' was not found in the AWS config or credentials file.", profileName), "ObjectNotFound", profileName));
        }

        public static void GetAWSCredential(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            Run(cmdlet, () =>
            {
                switch (cmdlet.ParameterSetName)
                {
                    case "List":
                        foreach (JsonObject p in ProfileDetails(cmdlet, Str(bound, "ProfileLocation")))
                        {
                            cmdlet.WriteObject(ToProfileDetail(p));
                        }
                        break;
                    case "Profile":
                        AWSCredentials profile = KnownProfile(cmdlet, Str(bound, "ProfileName"), Str(bound, "ProfileLocation"));
                        if (!Has(bound, "AccountId") && !Has(bound, "RoleName"))
                        {
                            cmdlet.WriteObject(profile);
                            break;
                        }
                        if (string.IsNullOrWhiteSpace(Str(bound, "AccountId")) || string.IsNullOrWhiteSpace(Str(bound, "RoleName")))
                            Fail(cmdlet, "IncompleteSsoRoleCredential", "InvalidArgument", "An SSO role credential needs both -AccountId and -RoleName.");
                        cmdlet.WriteObject(AWSCredentials.FromSsoRole(profile.ProfileName, null, profile.ProfileLocation, Str(bound, "AccountId"), Str(bound, "RoleName")));
                        break;
                    case "Session":
                        string location = Has(bound, "ProfileLocation") ? ResolvePath(cmdlet, Str(bound, "ProfileLocation")) : null;
                        if (string.IsNullOrWhiteSpace(Str(bound, "SessionName")) || string.IsNullOrWhiteSpace(Str(bound, "AccountId")) || string.IsNullOrWhiteSpace(Str(bound, "RoleName")))
                            Fail(cmdlet, "IncompleteSsoRoleCredential", "InvalidArgument", "An SSO role credential needs -SessionName, -AccountId and -RoleName.");
                        cmdlet.WriteObject(AWSCredentials.FromSsoRole(null, Str(bound, "SessionName"), location, Str(bound, "AccountId"), Str(bound, "RoleName")));
                        break;
                    default:
                        object stored = GlobalVariable(cmdlet, "StoredAWSCredentials");
                        if (stored != null) cmdlet.WriteObject(stored);
                        break;
                }
            });
        }

        public static void SetAWSCredential(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            Run(cmdlet, () =>
            {
                AWSCredentials value;
                switch (cmdlet.ParameterSetName)
                {
                    case "Keys":
                        value = AWSCredentials.FromKeys(Str(bound, "AccessKey"), Str(bound, "SecretKey"), Str(bound, "SessionToken"));
                        break;
                    case "Credential":
                        value = Value<AWSCredentials>(bound, "Credential");
                        break;
                    default:
                        value = KnownProfile(cmdlet, Str(bound, "ProfileName"), Str(bound, "ProfileLocation"));
                        break;
                }
                SetGlobal(cmdlet, "StoredAWSCredentials", value);
            });
        }

        public static void ClearAWSCredential(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            RemoveGlobal(cmdlet, "StoredAWSCredentials");
        }

        public static void SetAWSProxy(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            var settings = new AWSProxySettings
            {
                Hostname = Str(bound, "Hostname"),
                Port = Value<int>(bound, "Port"),
                Username = Str(bound, "Username"),
                BypassList = Has(bound, "BypassList") ? Value<string[]>(bound, "BypassList") : null,
                BypassOnLocal = Switch(bound, "BypassOnLocal"),
            };
            if (Has(bound, "Password"))
            {
                var secure = new System.Security.SecureString();
                foreach (char c in Str(bound, "Password") ?? string.Empty) secure.AppendChar(c);
                secure.MakeReadOnly();
                settings.Password = secure;
            }
            var credential = Has(bound, "Credential") ? Value<PSCredential>(bound, "Credential") : null;
            if (credential != null)
            {
                settings.Username = credential.UserName;
                settings.Password = credential.Password;
            }
            SetGlobal(cmdlet, StoredProxyVariable, settings);
        }

        public static void ClearAWSProxy(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            RemoveGlobal(cmdlet, StoredProxyVariable);
        }

        public static void SetDefaultAWSRegion(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            SetGlobal(cmdlet, "StoredAWSRegion", Str(bound, "Region"));
        }

        public static void GetDefaultAWSRegion(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            object region = GlobalVariable(cmdlet, "StoredAWSRegion");
            if (region != null) cmdlet.WriteObject(region);
        }

        public static void ClearDefaultAWSRegion(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            RemoveGlobal(cmdlet, "StoredAWSRegion");
        }

        // What each exported value may hold. The values come from wherever the credentials came
        // from (a portal, a credential_process, container or instance metadata over plain HTTP)
        // and the output is made to be evaluated by a shell, so a value of any other alphabet is
        // refused rather than quoted: key ids are upper-case letters and digits, secrets and
        // tokens base64 (the URL-safe '-' and '_' too), the expiration an RFC 3339 timestamp.
        private static readonly Regex AccessKeyIdPattern = new Regex(@"\A[A-Z0-9]{16,128}\z", RegexOptions.CultureInvariant);
        private static readonly Regex Base64LikePattern = new Regex(@"\A[A-Za-z0-9+/=_-]+\z", RegexOptions.CultureInvariant);
        private static readonly Regex Rfc3339Pattern = new Regex(@"\A[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?([Zz]|[+-][0-9]{2}:[0-9]{2})\z", RegexOptions.CultureInvariant);

        /// <summary>Refuses a value outside its alphabet. The message names the field only: the
        /// value is a secret.</summary>
        private static void RequireExportable(PSCmdlet cmdlet, string field, string value, Regex pattern)
        {
            if (value != null && pattern.IsMatch(value)) return;
            Fail(cmdlet, "InvalidCredentialValue", "InvalidData", string.Format(CultureInfo.InvariantCulture, "The {0} of the resolved credentials holds characters that no {0} has, so nothing was exported: a shell evaluating the output could run them as a command. Check the credential source (a credential_process, the SSO portal or a metadata endpoint).", field));
        }

        /// <summary>A POSIX shell word that is exactly <paramref name="value"/>: inside '...'
        /// nothing is special but ' itself, which is written as '\''.</summary>
        private static string PosixSingleQuoted(string value)
        {
            return "'" + value.Replace("'", "'\\''") + "'";
        }

        /// <summary>Export-AWSCredential: the resolved credentials in one of the AWS CLI's export
        /// formats. Long-term keys have no session token and no expiration; both are optional in
        /// every format.</summary>
        public static void ExportAWSCredential(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            Run(cmdlet, () =>
            {
                Hashtable parameters = CommonParameters(cmdlet, bound);
                parameters["include_secrets"] = true;
                var r = Invoke(cmdlet, "credentials.resolve", parameters, null) as JsonObject ?? new JsonObject();
                JsonObject c = r.Obj("credentials") ?? new JsonObject();
                string sessionToken = c.Str("session_token");
                string expiration = c.Str("expiration");
                // Every value is checked before anything is written, in every format.
                RequireExportable(cmdlet, "AccessKeyId", c.Str("access_key_id"), AccessKeyIdPattern);
                RequireExportable(cmdlet, "SecretAccessKey", c.Str("secret_access_key"), Base64LikePattern);
                if (!string.IsNullOrEmpty(sessionToken)) RequireExportable(cmdlet, "SessionToken", sessionToken, Base64LikePattern);
                if (!string.IsNullOrEmpty(expiration)) RequireExportable(cmdlet, "Expiration", expiration, Rfc3339Pattern);
                var vars = new OrderedDictionary();
                vars["AWS_ACCESS_KEY_ID"] = c.Str("access_key_id");
                vars["AWS_SECRET_ACCESS_KEY"] = c.Str("secret_access_key");
                if (!string.IsNullOrEmpty(sessionToken)) vars["AWS_SESSION_TOKEN"] = sessionToken;
                if (!string.IsNullOrEmpty(expiration)) vars["AWS_CREDENTIAL_EXPIRATION"] = expiration;
                string format = Has(bound, "Format") ? Str(bound, "Format") : "Process";
                if (string.Equals(format, "Process", StringComparison.OrdinalIgnoreCase))
                {
                    var doc = new OrderedDictionary();
                    doc["Version"] = 1;
                    doc["AccessKeyId"] = c.Str("access_key_id");
                    doc["SecretAccessKey"] = c.Str("secret_access_key");
                    if (!string.IsNullOrEmpty(sessionToken)) doc["SessionToken"] = sessionToken;
                    if (!string.IsNullOrEmpty(expiration)) doc["Expiration"] = expiration;
                    cmdlet.WriteObject(Json.Write(doc));
                    return;
                }
                // Quoted for each shell as well, though the checked alphabets need no quoting: the
                // quoting must not depend on that check staying as it is.
                foreach (DictionaryEntry v in vars)
                {
                    string value = Convert.ToString(v.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                    switch (format.ToLowerInvariant())
                    {
                        // PowerShell also ends '...' at U+2018-U+201B: its own escaping knows them all.
                        case "powershell": cmdlet.WriteObject("$Env:" + v.Key + "='" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'"); break;
                        case "env": cmdlet.WriteObject("export " + v.Key + "=" + PosixSingleQuoted(value)); break;
                        case "envnoexport": cmdlet.WriteObject(v.Key + "=" + PosixSingleQuoted(value)); break;
                        // set "K=V": inside the quotes cmd takes & | < > ^ literally; % and ! it would
                        // still expand, and the alphabets keep them out.
                        default: cmdlet.WriteObject("set \"" + v.Key + "=" + value + "\""); break;
                    }
                }
            });
        }
    }
}
