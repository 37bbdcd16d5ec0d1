// Sync-AWSSSOProfile: one [profile ...] per account and role an sso-session can use, written with
// the text-preserving config writer and marked, so that a rerun updates (or prunes) exactly the
// profiles it wrote and nothing else.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace AWS.Tools.RustSSO.Interop
{
    public static partial class Commands
    {
        /// <summary>The key that marks a profile written by Sync-AWSSSOProfile; its value is the
        /// sso-session it was written for. SDKs and the AWS CLI ignore keys they do not know.</summary>
        public const string SyncMarkerKey = "aws_tools_rustsso_sync";

        /// <summary>The default -NameFormat of Sync-AWSSSOProfile.</summary>
        public const string DefaultProfileNameFormat = "{AccountName}.{RoleName}";

        private static readonly Regex Placeholder = new Regex(@"\{(AccountName|AccountId|RoleName|SessionName)\}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        private static readonly Regex UnsafeInName = new Regex(@"[^A-Za-z0-9_.@+-]+", RegexOptions.CultureInvariant);

        /// <summary>A profile name from the format: each placeholder replaced, then every run of
        /// characters a profile name should not hold (spaces, brackets, quotes, ...) turned into
        /// one '-'.</summary>
        public static string FormatProfileName(string format, string sessionName, string accountId, string accountName, string roleName)
        {
            string name = Placeholder.Replace(format, m =>
            {
                switch (m.Groups[1].Value.ToLowerInvariant())
                {
                    case "accountname": return string.IsNullOrEmpty(accountName) ? accountId : accountName;
                    case "accountid": return accountId;
                    case "rolename": return roleName;
                    default: return sessionName;
                }
            });
            return UnsafeInName.Replace(name, "-").Trim('-', '.');
        }

        private sealed class Assignment
        {
            public string ProfileName;
            public string AccountId;
            public string AccountName;
            public string RoleName;
        }

        /// <summary>A portal listing with an sso-session's own token (no profile): its accounts,
        /// or with an account id that account's roles.</summary>
        private static Hashtable SessionListing(string session, string profileLocation, string accountId)
        {
            var auth = new Hashtable();
            if (profileLocation != null) auth["profile_location"] = profileLocation;
            var listing = new Hashtable();
            listing["session_name"] = session;
            listing["auth"] = auth;
            if (accountId != null) listing["account_id"] = accountId;
            return listing;
        }

        private static JsonObject EditConfig(PSCmdlet cmdlet, Hashtable request)
        {
            return Invoke(cmdlet, "config.edit", request, null) as JsonObject ?? new JsonObject();
        }

        private static List<string> Strings(JsonObject obj, string key)
        {
            var list = new List<string>();
            foreach (object o in obj.List(key)) list.Add(Convert.ToString(o, CultureInfo.InvariantCulture));
            return list;
        }

        public static void SyncAWSSSOProfile(PSCmdlet cmdlet, IDictionary<string, object> bound)
        {
            bound = WithoutPipedEchoes(cmdlet, bound);
            Run(cmdlet, () =>
            {
                string session = Str(bound, "SessionName");
                string format = Has(bound, "NameFormat") ? Str(bound, "NameFormat") : DefaultProfileNameFormat;
                if (!Placeholder.IsMatch(format ?? string.Empty))
                    Fail(cmdlet, "InvalidNameFormat", "InvalidArgument", "-NameFormat must contain at least one of {AccountName}, {AccountId}, {RoleName} and {SessionName}.");
                string region = Str(bound, "Region");
                string location = Has(bound, "ProfileLocation") ? ResolvePath(cmdlet, Str(bound, "ProfileLocation")) : null;
                // Every account and role, with the session's token (never a login).
                var assignments = new List<Assignment>();
                var unlisted = new List<string>();
                var names = new Dictionary<string, Assignment>(StringComparer.Ordinal);
                foreach (JsonObject account in AllPages(cmdlet, "sso.list_accounts", SessionListing(session, location, null), "accounts"))
                {
                    string accountId = account.Str("account_id");
                    string accountName = account.Str("account_name");
                    List<JsonObject> roles;
                    try
                    {
                        // Listed in full here, so that a failure of this account's listing is caught here.
                        roles = new List<JsonObject>(AllPages(cmdlet, "sso.list_account_roles", SessionListing(session, location, accountId), "roles"));
                    }
                    catch (PipelineStoppedOrFailed failed)
                    {
                        // A token that no longer works fails every account alike: stop.
                        ErrorRecord r = failed.Record;
                        if (r.CategoryInfo.Category == ErrorCategory.AuthenticationError) throw;
                        // Otherwise one account that cannot be listed does not stop the others.
                        unlisted.Add(accountId);
                        cmdlet.WriteError(new ErrorRecord(new InvalidOperationException(Printable(string.Format(CultureInfo.InvariantCulture, "Account {0}: {1}", accountId, r.Exception.Message))), r.FullyQualifiedErrorId, r.CategoryInfo.Category, accountId));
                        continue;
                    }
                    foreach (JsonObject role in roles)
                    {
                        var a = new Assignment { AccountId = accountId, AccountName = accountName, RoleName = role.Str("role_name") };
                        a.ProfileName = FormatProfileName(format, session, accountId, accountName, a.RoleName);
                        Assignment other;
                        if (string.IsNullOrEmpty(a.ProfileName))
                        {
                            cmdlet.WriteError(NewErrorRecord("InvalidProfileName", string.Format(CultureInfo.InvariantCulture, "-NameFormat gives no usable profile name for role {0} in account {1}; it was not written.", a.RoleName, accountId), "InvalidArgument", accountId));
                        }
                        else if (names.TryGetValue(a.ProfileName, out other))
                        {
                            cmdlet.WriteError(NewErrorRecord("ProfileNameCollision", string.Format(CultureInfo.InvariantCulture, "The profile name '{0}' stands for role {1} in account {2} and for role {3} in account {4}; only the first was written. Use a -NameFormat with {{AccountId}}.", a.ProfileName, other.RoleName, other.AccountId, a.RoleName, accountId), "InvalidData", a.ProfileName));
                        }
                        else
                        {
                            names[a.ProfileName] = a;
                            assignments.Add(a);
                        }
                    }
                }

                var sections = new List<object>();
                var byHeader = new Dictionary<string, Hashtable>(StringComparer.Ordinal);
                foreach (Assignment a in assignments)
                {
                    var values = new List<object> { Pair("sso_session", session), Pair("sso_account_id", a.AccountId), Pair("sso_role_name", a.RoleName) };
                    if (!string.IsNullOrEmpty(region)) values.Add(Pair("region", region));
                    values.Add(Pair(SyncMarkerKey, session));
                    var section = new Hashtable();
                    section["header"] = "profile " + a.ProfileName;
                    section["values"] = values;
                    sections.Add(section);
                    byHeader["profile " + a.ProfileName] = section;
                }
                var owner = new Hashtable();
                owner["key"] = SyncMarkerKey;
                owner["value"] = session;

                // What would change, then the person's (or -WhatIf's, -Confirm's) say per profile.
                var request = new Hashtable();
                if (location != null) request["path"] = location;
                request["sections"] = sections;
                request["owner"] = owner;
                bool prune = Switch(bound, "Prune");
                if (prune && unlisted.Count > 0)
                {
                    // Their profiles would look unassigned: nothing is pruned in this run.
                    Warning(cmdlet, string.Format(CultureInfo.InvariantCulture, "The roles of {0} account(s) ({1}) could not be listed, so -Prune removes nothing in this run.", unlisted.Count, string.Join(", ", unlisted.ToArray())));
                    prune = false;
                }
                request["prune"] = prune;
                request["dry_run"] = true;
                JsonObject plan = EditConfig(cmdlet, (Hashtable)request.Clone());
                string path = plan.Str("path");
                var skipped = new HashSet<string>(Strings(plan, "skipped"), StringComparer.Ordinal);
                foreach (string header in skipped)
                    Warning(cmdlet, string.Format(CultureInfo.InvariantCulture, "[{0}] in '{1}' was not written by Sync-AWSSSOProfile for sso-session '{2}'; it was left as it is.", header, path, session));
                // A value no parser would read back as given (a role name with a newline, or
                // with ' #' that aws-config reads as a comment) fails that assignment only.
                foreach (object o in plan.List("rejected"))
                {
                    var rejected = o as JsonObject;
                    if (rejected == null) continue;
                    string header = rejected.Str("section") ?? string.Empty;
                    skipped.Add(header);
                    cmdlet.WriteError(NewErrorRecord("UnwritableProfileValue", string.Format(CultureInfo.InvariantCulture, "[{0}] was not written to '{1}': {2}", header, path, rejected.Str("reason")), "InvalidData", header));
                }
                if (Wanted(cmdlet, "VerbosePreference")) foreach (string line in Strings(plan, "diff")) Verbose(cmdlet, line);
                var changed = new HashSet<string>(Strings(plan, "sections_written"), StringComparer.Ordinal);
                var approved = new List<object>();
                foreach (object o in sections)
                {
                    string header = (string)((Hashtable)o)["header"];
                    if (skipped.Contains(header)) continue;
                    if (!changed.Contains(header) || cmdlet.ShouldProcess(path, "Write [" + header + "]")) approved.Add(o);
                }
                var removals = new List<object>();
                foreach (string header in Strings(plan, "removed"))
                {
                    if (cmdlet.ShouldProcess(path, "Remove [" + header + "] (written for sso-session '" + session + "'; no longer assigned)")) removals.Add(header);
                }
                bool anyChange = removals.Count > 0;
                foreach (object o in approved) if (changed.Contains((string)((Hashtable)o)["header"])) anyChange = true;
                if (anyChange)
                {
                    request["sections"] = approved;
                    request["remove"] = removals;
                    request["prune"] = false;
                    request["dry_run"] = false;
                    JsonObject done = EditConfig(cmdlet, request);
                    foreach (string header in Strings(done, "skipped"))
                        Warning(cmdlet, string.Format(CultureInfo.InvariantCulture, "[{0}] in '{1}' was not written by Sync-AWSSSOProfile for sso-session '{2}'; it was left as it is.", header, path, session));
                }

                if (!Switch(bound, "PassThru")) return;
                var wanted = new HashSet<string>(StringComparer.Ordinal);
                foreach (object o in approved) wanted.Add(((string)((Hashtable)o)["header"]).Substring("profile ".Length));
                foreach (JsonObject p in ProfileDetails(cmdlet, location))
                {
                    if (wanted.Contains(p.Str("profile_name") ?? string.Empty)) cmdlet.WriteObject(ToProfileDetail(p));
                }
            });
        }
    }
}
