// Argument completion, attached to the parameters as [ArgumentCompleter()] attributes: nothing
// runs at import, and nothing runs until a user presses Tab. No network call.
using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AWS.Tools.RustSSO.Interop
{
    /// <summary>Completes -ProfileName with the profiles of the shared config and credentials
    /// files (as the library reads them), re-read only when one of the files changed.</summary>
    public sealed class ProfileNameCompleter : IArgumentCompleter
    {
        private static readonly object Gate = new object();
        private static string cachedStamp;
        private static string[] cachedNames = new string[0];

        private static string Stamp()
        {
            string home = Environment.GetEnvironmentVariable("USERPROFILE");
            if (string.IsNullOrEmpty(home)) home = Environment.GetEnvironmentVariable("HOME") ?? string.Empty;
            string config = Environment.GetEnvironmentVariable("AWS_CONFIG_FILE");
            if (string.IsNullOrEmpty(config)) config = Path.Combine(home, ".aws", "config");
            string credentials = Environment.GetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE");
            if (string.IsNullOrEmpty(credentials)) credentials = Path.Combine(home, ".aws", "credentials");
            var parts = new List<string>();
            foreach (string file in new[] { config, credentials })
            {
                parts.Add(file + "|" + (File.Exists(file) ? File.GetLastWriteTimeUtc(file).Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-"));
            }
            return string.Join(";", parts.ToArray());
        }

        /// <summary>The profile names, from the cache while the files are unchanged.</summary>
        public static string[] ProfileNames()
        {
            string stamp = Stamp();
            lock (Gate)
            {
                if (stamp == cachedStamp) return cachedNames;
            }
            var request = new Hashtable();
            request["op"] = "config.list_profiles";
            request["params"] = new Hashtable();
            request["env"] = Commands.EnvironmentView();
            NativeResult result = Native.Call(Json.Write(request), null);
            var names = new List<string>();
            if (result.IsSuccess)
            {
                var list = result.Value as List<object>;
                if (list != null)
                {
                    foreach (object item in list)
                    {
                        var profile = item as JsonObject;
                        string name = profile == null ? null : profile.Str("profile_name");
                        if (!string.IsNullOrEmpty(name)) names.Add(name);
                    }
                }
            }
            lock (Gate)
            {
                cachedStamp = stamp;
                cachedNames = names.ToArray();
                return cachedNames;
            }
        }

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            return Completion.Matching(ProfileNames(), wordToComplete);
        }
    }

    /// <summary>Completes -Region with the names of the AWS regions.</summary>
    public sealed class RegionCompleter : IArgumentCompleter
    {
        public static readonly string[] RegionNames =
        {
            "af-south-1", "ap-east-1", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
            "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ca-central-1", "ca-west-1",
            "cn-north-1", "cn-northwest-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
            "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1",
            "us-east-1", "us-east-2", "us-gov-east-1", "us-gov-west-1", "us-west-1", "us-west-2",
        };

        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            return Completion.Matching(RegionNames, wordToComplete);
        }
    }

    internal static class Completion
    {
        /// <summary>The names that start with the word typed so far (quotes ignored), quoted
        /// where a name needs it.</summary>
        public static IEnumerable<CompletionResult> Matching(IEnumerable<string> names, string word)
        {
            string prefix = (word ?? string.Empty).Trim('\'', '"');
            var results = new List<CompletionResult>();
            foreach (string name in names)
            {
                if (!name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
                string text = name.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', '@', '#', ',' }) >= 0 ? "'" + name.Replace("'", "''") + "'" : name;
                results.Add(new CompletionResult(text, name, CompletionResultType.ParameterValue, name));
            }
            return results;
        }
    }
}
