// The JSON of the native library's requests and answers, read and written here rather than with
// a JSON library: PowerShell 7 and Windows PowerShell 5.1 each load their own copies of the JSON
// assemblies, and a module that brings another version would clash with them.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace AWS.Tools.RustSSO.Interop
{
    /// <summary>A parsed JSON object: property lookups that tolerate absent keys.</summary>
    public sealed class JsonObject : Dictionary<string, object>
    {
        public JsonObject() : base(StringComparer.Ordinal) { }

        public string Str(string key)
        {
            object v;
            return TryGetValue(key, out v) && v != null ? Convert.ToString(v, CultureInfo.InvariantCulture) : null;
        }

        public JsonObject Obj(string key)
        {
            object v;
            return TryGetValue(key, out v) ? v as JsonObject : null;
        }

        public List<object> List(string key)
        {
            object v;
            return TryGetValue(key, out v) && v is List<object> ? (List<object>)v : new List<object>();
        }

        public bool Bool(string key)
        {
            object v;
            return TryGetValue(key, out v) && v is bool && (bool)v;
        }

        public long? Long(string key)
        {
            object v;
            if (!TryGetValue(key, out v) || v == null) return null;
            if (v is long) return (long)v;
            if (v is double) return (long)(double)v;
            return null;
        }

        /// <summary>An RFC 3339 timestamp as a local DateTime, as AWS Tools shows dates.</summary>
        public DateTime? Date(string key)
        {
            string s = Str(key);
            if (string.IsNullOrEmpty(s)) return null;
            return DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).ToLocalTime();
        }
    }

    public static class Json
    {
        // ---- reading ----

        public static object Parse(string text)
        {
            int i = 0;
            object value = ReadValue(text, ref i);
            SkipWhite(text, ref i);
            if (i != text.Length) throw new FormatException("Trailing characters in the native library's answer.");
            return value;
        }

        private static void SkipWhite(string s, ref int i)
        {
            while (i < s.Length && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
        }

        private static object ReadValue(string s, ref int i)
        {
            SkipWhite(s, ref i);
            if (i >= s.Length) throw new FormatException("Unexpected end of the native library's answer.");
            char c = s[i];
            switch (c)
            {
                case '{':
                    {
                        var obj = new JsonObject();
                        i++;
                        SkipWhite(s, ref i);
                        if (i < s.Length && s[i] == '}') { i++; return obj; }
                        while (true)
                        {
                            SkipWhite(s, ref i);
                            string key = ReadString(s, ref i);
                            SkipWhite(s, ref i);
                            Expect(s, ref i, ':');
                            obj[key] = ReadValue(s, ref i);
                            SkipWhite(s, ref i);
                            if (i < s.Length && s[i] == ',') { i++; continue; }
                            Expect(s, ref i, '}');
                            return obj;
                        }
                    }
                case '[':
                    {
                        var list = new List<object>();
                        i++;
                        SkipWhite(s, ref i);
                        if (i < s.Length && s[i] == ']') { i++; return list; }
                        while (true)
                        {
                            list.Add(ReadValue(s, ref i));
                            SkipWhite(s, ref i);
                            if (i < s.Length && s[i] == ',') { i++; continue; }
                            Expect(s, ref i, ']');
                            return list;
                        }
                    }
                case '"':
                    return ReadString(s, ref i);
                case 't':
                    ExpectWord(s, ref i, "true");
                    return true;
                case 'f':
                    ExpectWord(s, ref i, "false");
                    return false;
                case 'n':
                    ExpectWord(s, ref i, "null");
                    return null;
                default:
                    return ReadNumber(s, ref i);
            }
        }

        private static void Expect(string s, ref int i, char c)
        {
            if (i >= s.Length || s[i] != c) throw new FormatException("Malformed answer from the native library.");
            i++;
        }

        private static void ExpectWord(string s, ref int i, string word)
        {
            if (string.CompareOrdinal(s, i, word, 0, word.Length) != 0) throw new FormatException("Malformed answer from the native library.");
            i += word.Length;
        }

        private static object ReadNumber(string s, ref int i)
        {
            int start = i;
            while (i < s.Length && "+-0123456789.eE".IndexOf(s[i]) >= 0) i++;
            string text = s.Substring(start, i - start);
            long l;
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
            return double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        private static string ReadString(string s, ref int i)
        {
            Expect(s, ref i, '"');
            StringBuilder sb = null;
            int runStart = i;
            while (true)
            {
                if (i >= s.Length) throw new FormatException("Unterminated string in the native library's answer.");
                char c = s[i];
                if (c == '"')
                {
                    string result = sb == null ? s.Substring(runStart, i - runStart) : sb.Append(s, runStart, i - runStart).ToString();
                    i++;
                    return result;
                }
                if (c == '\\')
                {
                    if (sb == null) sb = new StringBuilder();
                    sb.Append(s, runStart, i - runStart);
                    i++;
                    char e = s[i++];
                    switch (e)
                    {
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '/': sb.Append('/'); break;
                        case 'b': sb.Append('\b'); break;
                        case 'f': sb.Append('\f'); break;
                        case 'n': sb.Append('\n'); break;
                        case 'r': sb.Append('\r'); break;
                        case 't': sb.Append('\t'); break;
                        case 'u':
                            sb.Append((char)int.Parse(s.Substring(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                            i += 4;
                            break;
                        default: throw new FormatException("Malformed escape in the native library's answer.");
                    }
                    runStart = i;
                    continue;
                }
                i++;
            }
        }

        // ---- writing ----

        public static string Write(object value)
        {
            var sb = new StringBuilder(256);
            WriteValue(sb, value);
            return sb.ToString();
        }

        private static void WriteValue(StringBuilder sb, object value)
        {
            if (value == null) { sb.Append("null"); return; }
            string s = value as string;
            if (s != null) { WriteString(sb, s); return; }
            if (value is bool) { sb.Append((bool)value ? "true" : "false"); return; }
            if (value is int || value is long || value is uint || value is ulong || value is short || value is ushort || value is byte)
            {
                sb.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                return;
            }
            if (value is double || value is float || value is decimal)
            {
                sb.Append(Convert.ToDouble(value, CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture));
                return;
            }
            var dict = value as IDictionary;
            if (dict != null)
            {
                sb.Append('{');
                bool first = true;
                foreach (DictionaryEntry entry in dict)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteString(sb, Convert.ToString(entry.Key, CultureInfo.InvariantCulture));
                    sb.Append(':');
                    WriteValue(sb, entry.Value);
                }
                sb.Append('}');
                return;
            }
            var list = value as IEnumerable;
            if (list != null)
            {
                sb.Append('[');
                bool first = true;
                foreach (object item in list)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    WriteValue(sb, item);
                }
                sb.Append(']');
                return;
            }
            WriteString(sb, Convert.ToString(value, CultureInfo.InvariantCulture));
        }

        private static void WriteString(StringBuilder sb, string s)
        {
            sb.Append('"');
            foreach (char c in s)
            {
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    default:
                        if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                        else sb.Append(c);
                        break;
                }
            }
            sb.Append('"');
        }
    }
}
