// The P/Invoke layer between the PowerShell module and the native library.
//
// The library is loaded by full path from the module's own folder (PowerShell's native probing
// cannot find it for us), its exports are bound to delegates, strings go in as explicit UTF-8 and
// strings that come back are read as UTF-8 and released with the library's own free function.
using System;
using System.Globalization;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace AWS.Tools.RustSSO.Interop
{
    /// <summary>The outcome of one native call: a status (0 = success) and a JSON document.</summary>
    public sealed class NativeResult
    {
        public NativeResult(uint status, object value)
        {
            Status = status;
            Value = value;
        }

        public uint Status { get; private set; }

        /// <summary>The parsed answer (a JsonObject, a list, a string, a number or null).</summary>
        public object Value { get; private set; }

        /// <summary>The answer as JSON text again (diagnostics and tests).</summary>
        public string Json { get { return Interop.Json.Write(Value); } }

        public bool IsSuccess { get { return Status == 0; } }

        /// <summary>The status of an answer that could not be read (no status of the library's
        /// own): its Value is a failure object like the library's, so callers handle it as any
        /// other failure.</summary>
        public const uint UnreadableAnswer = uint.MaxValue;

        internal static NativeResult Unreadable(FormatException e)
        {
            var failure = new JsonObject();
            failure["code"] = "InvalidNativeAnswer";
            failure["category"] = "InvalidResult";
            failure["message"] = "The native library's answer could not be read: " + e.Message;
            return new NativeResult(UnreadableAnswer, failure);
        }
    }

    public static class Native
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate uint AbiVersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr StaticStringFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate IntPtr StatusNameFn(uint status);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate uint CallFn(ulong callId, IntPtr request, IntPtr responseOut);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate uint CancelFn(ulong callId);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] internal delegate void FreeFn(IntPtr s);

        private static readonly object Gate = new object();
        private static long nextCallId;
        private static PropertyInfo stoppingProperty;

        /// <summary>The loaded library and its exports. There is one per process, never
        /// replaced: a call reads everything it uses (call, free, cancel) from the one object it
        /// started with, and a second copy of the module (another folder or a development build
        /// beside an installed one) uses the library the first one loaded.</summary>
        internal sealed class Binding
        {
            public Binding(string path, IntPtr handle, AbiVersionFn abi, CallFn call, FreeFn free)
            {
                Path = path; Handle = handle; Abi = abi; Call = call; Free = free;
            }
            public readonly string Path;
            public readonly IntPtr Handle;
            public readonly AbiVersionFn Abi;
            public readonly CallFn Call;
            public readonly FreeFn Free;
            // Bound on first use (each binding builds a marshalling stub, which the first
            // command would pay for); a race binds the same export twice, harmlessly.
            private CancelFn cancel;
            private StaticStringFn version;
            private StatusNameFn statusName;
            public CancelFn Cancel { get { return cancel ?? (cancel = Bind<CancelFn>(Handle, "rsso_cancel")); } }
            public StaticStringFn Version { get { return version ?? (version = Bind<StaticStringFn>(Handle, "rsso_version")); } }
            public StatusNameFn StatusName { get { return statusName ?? (statusName = Bind<StatusNameFn>(Handle, "rsso_status_name")); } }
        }

        private static volatile Binding binding;
        private static string configuredPath;
        private static uint expectedAbiVersion;

        /// <summary>The full path of the loaded native library, or null.</summary>
        public static string LoadedPath { get { Binding b = binding; return b == null ? null : b.Path; } }

        /// <summary>The native library this process uses (the first one configured), or null.</summary>
        public static string ConfiguredPath { get { lock (Gate) return configuredPath; } }

        /// <summary>Names the native library (full path) and the C ABI version the module was
        /// written against. Nothing is loaded yet: the library is loaded, and its ABI version
        /// checked, by the first call that needs it, so that importing the module stays cheap.
        /// The first configuration holds for the process: a later one with the same ABI version
        /// keeps using it (see <see cref="ConfiguredPath"/>); one that needs another ABI version
        /// is refused, since the script of that copy could not work with this library.</summary>
        public static void Configure(string fullPath, uint expectedAbi)
        {
            lock (Gate)
            {
                if (configuredPath == null)
                {
                    configuredPath = fullPath;
                    expectedAbiVersion = expectedAbi;
                    return;
                }
                if (expectedAbi != expectedAbiVersion)
                    throw new NativeLibraryException(string.Format(CultureInfo.InvariantCulture,
                        "AWS.Tools.RustSSO: this copy of the module needs native ABI version {0}, but this PowerShell session already uses the module's native library '{1}' (ABI version {2}). Start a new session to import this copy.",
                        expectedAbi, configuredPath, expectedAbiVersion));
            }
        }

        /// <summary>Configures the native library that ships in a module folder:
        /// bin/&lt;os&gt;-&lt;arch&gt;/ after .NET runtime identifiers. Throws when it is missing.</summary>
        public static void ConfigureModule(string moduleRoot, uint expectedAbi)
        {
            string path = LibraryPathIn(moduleRoot);
            if (!File.Exists(path))
                throw new FileNotFoundException(string.Format(CultureInfo.InvariantCulture,
                    "AWS.Tools.RustSSO: the native library for this platform was not found at '{0}'. This platform may not be supported by this build of the module.", path), path);
            Configure(path, expectedAbi);
        }

        /// <summary>The native library's path for this platform inside a module folder.</summary>
        public static string LibraryPathIn(string moduleRoot)
        {
            string os, file;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { os = "win"; file = "aws_tools_rustsso.dll"; }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) { os = "osx"; file = "libaws_tools_rustsso.dylib"; }
            else { os = "linux"; file = "libaws_tools_rustsso.so"; }
            string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
            return Path.Combine(moduleRoot, "bin", os + "-" + arch, file);
        }

        /// <summary>Loads the library and binds the exports every call needs; with an expected ABI
        /// version, refuses a library that reports another one (and binds nothing).</summary>
        private static Binding Load(string fullPath, uint expectedAbi)
        {
            IntPtr handle = NativeLoader.Load(fullPath);
            var abi = Bind<AbiVersionFn>(handle, "rsso_abi_version");
            uint actual = abi();
            if (expectedAbi != 0 && actual != expectedAbi)
            {
                throw new NativeLibraryException(string.Format(CultureInfo.InvariantCulture,
                    "AWS.Tools.RustSSO: the native library '{0}' has ABI version {1}, but this module requires ABI version {2}. Reinstall the module so that its script and native library match.",
                    fullPath, actual, expectedAbi));
            }
            return new Binding(fullPath, handle, abi, Bind<CallFn>(handle, "rsso_call"), Bind<FreeFn>(handle, "rsso_string_free"));
        }

        private static T Bind<T>(IntPtr handle, string name) where T : class
        {
            IntPtr fn = NativeLoader.GetExport(handle, name);
            return (T)(object)Marshal.GetDelegateForFunctionPointer(fn, typeof(T));
        }

        /// <summary>The process's binding, loaded on first use.</summary>
        private static Binding EnsureLoaded()
        {
            Binding b = binding;
            if (b != null) return b;
            lock (Gate)
            {
                if (binding != null) return binding;
                string wanted = configuredPath;
                if (wanted == null) throw new NativeLibraryException("The AWS.Tools.RustSSO native library is not loaded.");
                try
                {
                    binding = Load(wanted, expectedAbiVersion);
                    return binding;
                }
                catch (NativeLibraryException)
                {
                    throw;
                }
                catch (Exception e)
                {
                    throw new NativeLibraryException(string.Format(CultureInfo.InvariantCulture, "AWS.Tools.RustSSO: the native library '{0}' could not be loaded: {1}", wanted, e.Message));
                }
            }
        }

        public static uint AbiVersion() { return EnsureLoaded().Abi(); }

        public static string Version() { return ReadUtf8(EnsureLoaded().Version()); }

        public static string StatusName(uint status) { return ReadUtf8(EnsureLoaded().StatusName(status)); }

        /// <summary>Runs one JSON request and returns the JSON response.</summary>
        /// <param name="requestJson">The request document.</param>
        /// <param name="cmdlet">The calling PSCmdlet (or null): while the native call runs, its
        /// Stopping property is watched and, when PowerShell stops the pipeline (Ctrl+C), the
        /// call is cancelled.</param>
        public static NativeResult Call(string requestJson, object cmdlet)
        {
            if (requestJson == null) throw new ArgumentNullException("requestJson");
            byte[] bytes = Encoding.UTF8.GetBytes(requestJson);
            byte[] terminated = new byte[bytes.Length + 1];
            Buffer.BlockCopy(bytes, 0, terminated, 0, bytes.Length);
            // The request may carry a secret key: the copies made here are cleared after use.
            Array.Clear(bytes, 0, bytes.Length);
            try { return CallBytes(terminated, cmdlet); }
            finally { Array.Clear(terminated, 0, terminated.Length); }
        }

#if RUSTSSO_TEST_HOOKS
        /// <summary>Passes raw bytes (NUL-terminated by the caller, or null for a NULL pointer)
        /// to the native entry point. Test build only: tests send invalid UTF-8 and NULL.</summary>
        public static NativeResult CallRaw(byte[] request, object cmdlet)
        {
            return CallBytes(request, cmdlet);
        }

        /// <summary>Calls rsso_call with a NULL response pointer; returns the status. Test build
        /// only.</summary>
        public static uint CallWithNullResponsePointer(string requestJson)
        {
            Binding b = EnsureLoaded();
            GCHandle pin = GCHandle.Alloc(Encoding.UTF8.GetBytes(requestJson + "\0"), GCHandleType.Pinned);
            try { return b.Call(0, pin.AddrOfPinnedObject(), IntPtr.Zero); }
            finally { pin.Free(); }
        }
#endif

        private static NativeResult CallBytes(byte[] request, object cmdlet)
        {
            Binding b = EnsureLoaded();
            ulong id = (ulong)Interlocked.Increment(ref nextCallId);
            Func<bool> isStopping = StoppingProbe(cmdlet);
            if (isStopping == null) return InvokeNative(b, id, request);
            // The call runs on the pipeline thread (no thread hop per call); the watcher thread
            // cancels it when PowerShell stops the pipeline (Ctrl+C, Select-Object -First).
            var watched = new WatchedCall(b, id, isStopping);
            StopWatcher.Add(watched);
            try { return InvokeNative(b, id, request); }
            finally { StopWatcher.Remove(watched); }
        }

        internal sealed class WatchedCall
        {
            public WatchedCall(Binding binding, ulong id, Func<bool> isStopping) { Binding = binding; Id = id; IsStopping = isStopping; }
            public readonly Binding Binding;
            public readonly ulong Id;
            public readonly Func<bool> IsStopping;
            public bool Cancelled;
        }

        /// <summary>One background thread that looks at the running calls every 25 ms, and cancels
        /// those whose pipeline is stopping. A call only adds itself to a list (no wake-up of the
        /// thread per call: on a small machine that costs more than the list); the thread polls
        /// while it has calls, then every 50 ms, and ends after 30 s without any.</summary>
        internal static class StopWatcher
        {
            private static readonly object Lock = new object();
            private static readonly System.Collections.Generic.List<WatchedCall> Calls = new System.Collections.Generic.List<WatchedCall>();
            private static Thread thread;
            private const int IdlePollMs = 50;
            private const int IdleExitMs = 30000;

            public static void Add(WatchedCall call)
            {
                lock (Lock)
                {
                    Calls.Add(call);
                    if (thread == null)
                    {
                        thread = new Thread(Loop) { IsBackground = true, Name = "AWS.Tools.RustSSO stop watcher" };
                        thread.Start();
                    }
                }
            }

            public static void Remove(WatchedCall call)
            {
                lock (Lock) { Calls.Remove(call); }
            }

            private static void Loop()
            {
                int idle = 0;
                while (true)
                {
                    WatchedCall[] snapshot;
                    lock (Lock)
                    {
                        if (Calls.Count == 0)
                        {
                            if (idle >= IdleExitMs)
                            {
                                thread = null;
                                return;
                            }
                            Monitor.Wait(Lock, IdlePollMs);
                            idle += IdlePollMs;
                            continue;
                        }
                        idle = 0;
                        snapshot = Calls.ToArray();
                    }
                    foreach (WatchedCall c in snapshot)
                    {
                        // Retried until it lands: the call may not have registered its id yet.
                        try { if (!c.Cancelled && c.IsStopping()) c.Cancelled = c.Binding.Cancel(c.Id) == 0; }
                        catch (Exception) { }
                    }
                    Thread.Sleep(25);
                }
            }
        }

        private static NativeResult InvokeNative(Binding b, ulong id, byte[] request)
        {
            GCHandle pin = default(GCHandle);
            IntPtr responseCell = Marshal.AllocHGlobal(IntPtr.Size);
            try
            {
                Marshal.WriteIntPtr(responseCell, IntPtr.Zero);
                IntPtr requestPtr = IntPtr.Zero;
                if (request != null)
                {
                    pin = GCHandle.Alloc(request, GCHandleType.Pinned);
                    requestPtr = pin.AddrOfPinnedObject();
                }
                uint status = b.Call(id, requestPtr, responseCell);
                IntPtr response = Marshal.ReadIntPtr(responseCell);
                try { return ReadAnswer(status, response); }
                finally { b.Free(response); }
            }
            finally
            {
                if (pin.IsAllocated) pin.Free();
                Marshal.FreeHGlobal(responseCell);
            }
        }

        private static Func<bool> StoppingProbe(object cmdlet)
        {
            if (cmdlet == null) return null;
            PropertyInfo prop = stoppingProperty;
            if (prop == null || !prop.DeclaringType.IsInstanceOfType(cmdlet))
            {
                prop = cmdlet.GetType().GetProperty("Stopping", BindingFlags.Public | BindingFlags.Instance);
                if (prop == null || prop.PropertyType != typeof(bool)) return null;
                stoppingProperty = prop;
            }
            return () => (bool)prop.GetValue(cmdlet, null);
        }

        private static unsafe string ReadUtf8(IntPtr p)
        {
            if (p == IntPtr.Zero) return null;
            byte* start = (byte*)p;
            return Encoding.UTF8.GetString(start, Length(start));
        }

        // Parses the answer in place, before the library frees it (no copy of the whole page).
        // An answer that cannot be read becomes a failure like the library's own.
        private static unsafe NativeResult ReadAnswer(uint status, IntPtr p)
        {
            if (p == IntPtr.Zero) return new NativeResult(status, null);
            byte* start = (byte*)p;
            try { return new NativeResult(status, Interop.Json.Parse(start, Length(start))); }
            catch (FormatException e) { return NativeResult.Unreadable(e); }
        }

        private static unsafe int Length(byte* start)
        {
            int length = 0;
            while (start[length] != 0) length++;
            return length;
        }
    }

    /// <summary>Loads a native library by full path: NativeLibrary on .NET (PowerShell 7),
    /// LoadLibraryW on .NET Framework (Windows PowerShell 5.1, which only runs on Windows).</summary>
    /// <summary>The native library could not be loaded, or is not the version this module needs.</summary>
    public sealed class NativeLibraryException : InvalidOperationException
    {
        public NativeLibraryException(string message) : base(message) { }
    }

    internal static class NativeLoader
    {
        private static readonly Type NativeLibraryType =
            Type.GetType("System.Runtime.InteropServices.NativeLibrary, System.Runtime.InteropServices", false)
            ?? typeof(Marshal).Assembly.GetType("System.Runtime.InteropServices.NativeLibrary", false);

        [DllImport("kernel32.dll", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);

        [DllImport("kernel32.dll", CharSet = CharSet.Ansi, SetLastError = true, ExactSpelling = true)]
        private static extern IntPtr GetProcAddress(IntPtr module, string name);

        public static IntPtr Load(string fullPath)
        {
            if (NativeLibraryType != null)
            {
                MethodInfo load = NativeLibraryType.GetMethod("Load", new[] { typeof(string) });
                try { return (IntPtr)load.Invoke(null, new object[] { fullPath }); }
                catch (TargetInvocationException e) { throw e.InnerException ?? e; }
            }
            IntPtr handle = LoadLibraryW(fullPath);
            if (handle == IntPtr.Zero)
                throw new DllNotFoundException(string.Format("Could not load '{0}' (Win32 error {1}).", fullPath, Marshal.GetLastWin32Error()));
            return handle;
        }

        public static IntPtr GetExport(IntPtr handle, string name)
        {
            if (NativeLibraryType != null)
            {
                MethodInfo getExport = NativeLibraryType.GetMethod("GetExport", new[] { typeof(IntPtr), typeof(string) });
                try { return (IntPtr)getExport.Invoke(null, new object[] { handle, name }); }
                catch (TargetInvocationException e) { throw e.InnerException ?? e; }
            }
            IntPtr fn = GetProcAddress(handle, name);
            if (fn == IntPtr.Zero)
                throw new EntryPointNotFoundException(string.Format("The native library has no export '{0}'.", name));
            return fn;
        }
    }
}

namespace AWS.Tools.RustSSO
{
    using System.Collections;

    /// <summary>A credentials reference for -Credential and $StoredAWSCredentials: a profile (by
    /// name, optionally from one file), static keys, or an SSO role credential (an account and a
    /// role with the token of a profile or sso-session; SSORole is one). It carries no SSO keys:
    /// the library resolves it through its role-credentials cache on every call, so it refreshes
    /// on its own. The secret parts of static keys are kept private and never shown by
    /// formatting or ToString.</summary>
    public class AWSCredentials
    {
        private readonly string secretKey;
        private readonly string sessionToken;

        /// <summary>For derived types (SSORole): an SSO role credential set up by properties.</summary>
        protected AWSCredentials() { }

        private AWSCredentials(string profileName, string profileLocation, string accessKey, string secretKey, string sessionToken)
        {
            ProfileName = profileName;
            ProfileLocation = profileLocation;
            AccessKey = accessKey;
            this.secretKey = secretKey;
            this.sessionToken = sessionToken;
        }

        /// <summary>The profile (of a profile credential), or whose token an SSO role credential uses.</summary>
        public string ProfileName { get; set; }
        public string ProfileLocation { get; set; }
        /// <summary>The sso-session whose token an SSO role credential uses (instead of a profile's).</summary>
        public string SessionName { get; set; }
        public string AccessKey { get; private set; }
        /// <summary>The account of an SSO role credential.</summary>
        public string AccountId { get; set; }
        /// <summary>The role of an SSO role credential.</summary>
        public string RoleName { get; set; }

        /// <summary>Whether this stands for an SSO account and role.</summary>
        public bool IsSsoRole
        {
            get { return !string.IsNullOrEmpty(AccountId) && !string.IsNullOrEmpty(RoleName); }
        }

        /// <summary>Where the credentials come from, for display.</summary>
        public string Source
        {
            get
            {
                if (IsSsoRole)
                {
                    string token = SessionName != null ? "sso-session '" + SessionName + "'" : ProfileName != null ? "profile '" + ProfileName + "'" : "the default profile";
                    return "SSO role '" + RoleName + "' in account " + AccountId + " (token of " + token + ")";
                }
                return ProfileName != null ? "profile '" + ProfileName + "'" : "static access key " + AccessKey;
            }
        }

        public static AWSCredentials FromProfile(string profileName, string profileLocation)
        {
            if (string.IsNullOrWhiteSpace(profileName)) throw new ArgumentException("A profile name is required.", "profileName");
            return new AWSCredentials(profileName, string.IsNullOrWhiteSpace(profileLocation) ? null : profileLocation, null, null, null);
        }

        public static AWSCredentials FromKeys(string accessKey, string secretKey, string sessionToken)
        {
            if (string.IsNullOrWhiteSpace(accessKey) || string.IsNullOrWhiteSpace(secretKey))
                throw new ArgumentException("Both an access key and a secret key are required.");
            return new AWSCredentials(null, null, accessKey, secretKey, string.IsNullOrEmpty(sessionToken) ? null : sessionToken);
        }

        /// <summary>An SSO role credential: the account and role, with the token of the profile
        /// (or of the sso-session, when given).</summary>
        public static AWSCredentials FromSsoRole(string profileName, string sessionName, string profileLocation, string accountId, string roleName)
        {
            if (string.IsNullOrWhiteSpace(accountId) || string.IsNullOrWhiteSpace(roleName))
                throw new ArgumentException("Both an account id and a role name are required.");
            var credential = new AWSCredentials(string.IsNullOrWhiteSpace(profileName) ? null : profileName, string.IsNullOrWhiteSpace(profileLocation) ? null : profileLocation, null, null, null);
            credential.SessionName = string.IsNullOrWhiteSpace(sessionName) ? null : sessionName;
            credential.AccountId = accountId;
            credential.RoleName = roleName;
            return credential;
        }

        /// <summary>The "auth" part of a native request.</summary>
        public Hashtable ToRequest()
        {
            var auth = new Hashtable();
            if (IsSsoRole)
            {
                if (SessionName != null) auth["sso_session"] = SessionName;
                else if (ProfileName != null) auth["profile"] = ProfileName;
                if (ProfileLocation != null) auth["profile_location"] = ProfileLocation;
                auth["account_id"] = AccountId;
                auth["role_name"] = RoleName;
            }
            else if (ProfileName != null)
            {
                auth["profile"] = ProfileName;
                if (ProfileLocation != null) auth["profile_location"] = ProfileLocation;
            }
            else
            {
                auth["access_key"] = AccessKey;
                auth["secret_key"] = secretKey;
                if (sessionToken != null) auth["session_token"] = sessionToken;
            }
            return auth;
        }

        public override string ToString() { return Source; }
    }
}
