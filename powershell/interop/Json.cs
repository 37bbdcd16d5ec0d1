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

        /// <summary>An object sized for <paramref name="capacity"/> properties up front.</summary>
        public JsonObject(int capacity) : base(capacity, StringComparer.Ordinal) { }

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

        /// <summary>Parses a JSON text (tests and callers that hold a string).</summary>
        public static unsafe object Parse(string text)
        {
            if (text == null) throw new ArgumentNullException("text");
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            fixed (byte* p = bytes) return Parse(p, bytes.Length);
        }

        /// <summary>Parses UTF-8 JSON straight from the native library's answer buffer, so a page
        /// of results is never copied into one large string first (that copy would land on the
        /// large object heap, which is only collected with generation 2).</summary>
        public static unsafe object Parse(byte* text, int length)
        {
            var reader = new Reader(text, length);
            object value = reader.ReadValue();
            reader.SkipWhite();
            if (reader.Position != length) throw new FormatException("Trailing characters in the native library's answer.");
            return value;
        }

        /// <summary>How deep arrays and objects may nest. The reader recurses once per level, and
        /// a stack overflow cannot be caught in .NET: it would end the process (the user's shell).
        /// No answer of the library comes near this.</summary>
        public const int MaxDepth = 64;

        private unsafe sealed class Reader
        {
            private readonly byte* s;
            private readonly int n;
            private int i;
            private int depth;
            private StringBuilder escaped;

            public Reader(byte* text, int length) { s = text; n = length; }

            public int Position { get { return i; } }

            // The byte at the current position, or 0 past the end (NUL never appears unescaped).
            private byte Peek() { return i < n ? s[i] : (byte)0; }

            public void SkipWhite()
            {
                while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
            }

            public object ReadValue()
            {
                SkipWhite();
                if (i >= n) throw new FormatException("Unexpected end of the native library's answer.");
                char first = (char)s[i];
                if (first != '{' && first != '[') return ReadScalar(first);
                if (++depth > MaxDepth) throw new FormatException("The native library's answer is nested too deeply.");
                object value = first == '{' ? ReadObject() : ReadArray();
                depth--;
                return value;
            }

            private object ReadObject()
            {
                // Sized for the items of a page (four properties each): no regrowth.
                var obj = new JsonObject(4);
                i++;
                SkipWhite();
                if (Peek() == '}') { i++; return obj; }
                while (true)
                {
                    SkipWhite();
                    string key = ReadKey();
                    SkipWhite();
                    Expect((byte)':');
                    obj[key] = ReadValue();
                    SkipWhite();
                    if (Peek() == ',') { i++; continue; }
                    Expect((byte)'}');
                    return obj;
                }
            }

            private object ReadArray()
            {
                var list = new List<object>();
                i++;
                SkipWhite();
                if (Peek() == ']') { i++; return list; }
                while (true)
                {
                    list.Add(ReadValue());
                    SkipWhite();
                    if (Peek() == ',') { i++; continue; }
                    Expect((byte)']');
                    return list;
                }
            }

            private object ReadScalar(char first)
            {
                switch (first)
                {
                    case '"':
                        return ReadString();
                    case 't':
                        ExpectWord("true");
                        return true;
                    case 'f':
                        ExpectWord("false");
                        return false;
                    case 'n':
                        ExpectWord("null");
                        return null;
                    default:
                        return ReadNumber();
                }
            }

            private void Expect(byte c)
            {
                if (Peek() != c) throw new FormatException("Malformed answer from the native library.");
                i++;
            }

            private void ExpectWord(string word)
            {
                for (int k = 0; k < word.Length; k++) Expect((byte)word[k]);
            }

            private object ReadNumber()
            {
                int start = i;
                while (i < n && "+-0123456789.eE".IndexOf((char)s[i]) >= 0) i++;
                if (i == start) throw new FormatException("Malformed answer from the native library.");
                string text = Encoding.ASCII.GetString(s + start, i - start);
                long l;
                if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out l)) return l;
                double d;
                // TryParse: the framework's own messages would quote the text of the answer.
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out d)) return d;
                throw new FormatException("Malformed number in the native library's answer.");
            }

            // The few property names of an answer repeat in every item of a page: each is
            // made into a string once per answer.
            private readonly string[] keys = new string[16];
            private int keyCount;

            private string ReadKey()
            {
                if (Peek() != '"') return ReadString();
                int start = i + 1;
                int end = start;
                while (end < n && s[end] != '"' && s[end] != '\\' && s[end] < 0x80) end++;
                if (end >= n || s[end] != '"') return ReadString();
                int length = end - start;
                for (int k = 0; k < keyCount; k++)
                {
                    string known = keys[k];
                    if (known.Length != length) continue;
                    int c = 0;
                    while (c < length && known[c] == s[start + c]) c++;
                    if (c == length) { i = end + 1; return known; }
                }
                string key = ReadString();
                if (keyCount < keys.Length) keys[keyCount++] = key;
                return key;
            }

            private string ReadString()
            {
                Expect((byte)'"');
                StringBuilder sb = null;
                int runStart = i;
                while (true)
                {
                    if (i >= n) throw new FormatException("Unterminated string in the native library's answer.");
                    byte c = s[i];
                    if (c == '"')
                    {
                        string run = Encoding.UTF8.GetString(s + runStart, i - runStart);
                        i++;
                        return sb == null ? run : sb.Append(run).ToString();
                    }
                    if (c == '\\')
                    {
                        if (sb == null) { sb = escaped ?? (escaped = new StringBuilder()); sb.Length = 0; }
                        sb.Append(Encoding.UTF8.GetString(s + runStart, i - runStart));
                        i++;
                        byte e = Peek();
                        i++;
                        switch ((char)e)
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
                                int code;
                                if (i + 4 > n || !int.TryParse(Encoding.ASCII.GetString(s + i, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out code))
                                    throw new FormatException("Malformed escape in the native library's answer.");
                                sb.Append((char)code);
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
