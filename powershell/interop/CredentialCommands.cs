// The shell-default commands (credentials and region, as AWS Tools keeps them in
// $StoredAWSCredentials and $StoredAWSRegion), the profile listing and credential export.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Management.Automation;
using System.Text;

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
                foreach (DictionaryEntry v in vars)
                {
                    string value = Convert.ToString(v.Value, CultureInfo.InvariantCulture) ?? string.Empty;
                    switch (format.ToLowerInvariant())
                    {
                        // Single quotes: Invoke-Expression must not expand anything in a value.
                        case "powershell": cmdlet.WriteObject("$Env:" + v.Key + "='" + value.Replace("'", "''") + "'"); break;
                        case "env": cmdlet.WriteObject("export " + v.Key + "=" + value); break;
                        case "envnoexport": cmdlet.WriteObject(v.Key + "=" + value); break;
                        default: cmdlet.WriteObject("set " + v.Key + "=" + value); break;
                    }
                }
            });
        }
    }
}
