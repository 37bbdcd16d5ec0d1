// The P/Invoke layer between the PowerShell module and the native library.
//
// The library is loaded by full path from the module's own folder (PowerShell's native probing
// cannot find it for us), its exports are bound to delegates, strings go in as explicit UTF-8 and
// strings that come back are read as UTF-8 and released with the library's own free function.
using System;
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
        public NativeResult(uint status, string json)
        {
            Status = status;
            Json = json;
        }

        public uint Status { get; private set; }
        public string Json { get; private set; }
        public bool IsSuccess { get { return Status == 0; } }
    }

    public static class Native
    {
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate uint AbiVersionFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr StaticStringFn();
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate IntPtr StatusNameFn(uint status);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate uint CallFn(ulong callId, IntPtr request, IntPtr responseOut);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate uint CancelFn(ulong callId);
        [UnmanagedFunctionPointer(CallingConvention.Cdecl)] private delegate void FreeFn(IntPtr s);

        private static readonly object Gate = new object();
        private static string loadedPath;
        private static AbiVersionFn abiVersion;
        private static StaticStringFn version;
        private static StatusNameFn statusName;
        private static CallFn call;
        private static CancelFn cancel;
        private static FreeFn free;
        private static long nextCallId;
        private static PropertyInfo stoppingProperty;

        /// <summary>The full path of the loaded native library, or null.</summary>
        public static string LoadedPath { get { return loadedPath; } }

        /// <summary>Loads the native library from a full path and binds its exports. Loading the
        /// same path again is a no-op, so importing the module twice is safe.</summary>
        public static void Load(string fullPath)
        {
            lock (Gate)
            {
                if (string.Equals(loadedPath, fullPath, StringComparison.Ordinal)) return;
                IntPtr handle = NativeLoader.Load(fullPath);
                abiVersion = Bind<AbiVersionFn>(handle, "rsso_abi_version");
                version = Bind<StaticStringFn>(handle, "rsso_version");
                statusName = Bind<StatusNameFn>(handle, "rsso_status_name");
                call = Bind<CallFn>(handle, "rsso_call");
                cancel = Bind<CancelFn>(handle, "rsso_cancel");
                free = Bind<FreeFn>(handle, "rsso_string_free");
                loadedPath = fullPath;
            }
        }

        private static T Bind<T>(IntPtr handle, string name) where T : class
        {
            IntPtr fn = NativeLoader.GetExport(handle, name);
            return (T)(object)Marshal.GetDelegateForFunctionPointer(fn, typeof(T));
        }

        private static void EnsureLoaded()
        {
            if (call == null) throw new InvalidOperationException("The AWS.Tools.RustSSO native library is not loaded.");
        }

        public static uint AbiVersion() { EnsureLoaded(); return abiVersion(); }

        public static string Version() { EnsureLoaded(); return ReadUtf8(version()); }

        public static string StatusName(uint status) { EnsureLoaded(); return ReadUtf8(statusName(status)); }

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
            return CallBytes(terminated, cmdlet);
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
            EnsureLoaded();
            GCHandle pin = GCHandle.Alloc(Encoding.UTF8.GetBytes(requestJson + "\0"), GCHandleType.Pinned);
            try { return call(0, pin.AddrOfPinnedObject(), IntPtr.Zero); }
            finally { pin.Free(); }
        }
#endif

        private static NativeResult CallBytes(byte[] request, object cmdlet)
        {
            EnsureLoaded();
            ulong id = (ulong)Interlocked.Increment(ref nextCallId);
            Func<bool> isStopping = StoppingProbe(cmdlet);
            if (isStopping == null) return InvokeNative(id, request);
            // The call runs on the pipeline thread (no thread hop per call); the watcher thread
            // cancels it when PowerShell stops the pipeline (Ctrl+C, Select-Object -First).
            var watched = new WatchedCall(id, isStopping);
            StopWatcher.Add(watched);
            try { return InvokeNative(id, request); }
            finally { StopWatcher.Remove(watched); }
        }

        internal sealed class WatchedCall
        {
            public WatchedCall(ulong id, Func<bool> isStopping) { Id = id; IsStopping = isStopping; }
            public readonly ulong Id;
            public readonly Func<bool> IsStopping;
            public bool Cancelled;
        }

        /// <summary>One background thread that looks at the running calls every 25 ms while there
        /// are any, and cancels those whose pipeline is stopping.</summary>
        internal static class StopWatcher
        {
            private static readonly object Lock = new object();
            private static readonly System.Collections.Generic.List<WatchedCall> Calls = new System.Collections.Generic.List<WatchedCall>();
            private static Thread thread;

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
                    else if (Calls.Count == 1)
                    {
                        Monitor.Pulse(Lock);
                    }
                }
            }

            public static void Remove(WatchedCall call)
            {
                lock (Lock) { Calls.Remove(call); }
            }

            private static void Loop()
            {
                while (true)
                {
                    WatchedCall[] snapshot;
                    lock (Lock)
                    {
                        while (Calls.Count == 0) Monitor.Wait(Lock);
                        snapshot = Calls.ToArray();
                    }
                    foreach (WatchedCall c in snapshot)
                    {
                        // Retried until it lands: the call may not have registered its id yet.
                        try { if (!c.Cancelled && c.IsStopping()) c.Cancelled = cancel(c.Id) == 0; }
                        catch (Exception) { }
                    }
                    Thread.Sleep(25);
                }
            }
        }

        private static NativeResult InvokeNative(ulong id, byte[] request)
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
                uint status = call(id, requestPtr, responseCell);
                IntPtr response = Marshal.ReadIntPtr(responseCell);
                try { return new NativeResult(status, ReadUtf8(response)); }
                finally { free(response); }
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
            int length = 0;
            while (start[length] != 0) length++;
            return Encoding.UTF8.GetString(start, length);
        }
    }

    /// <summary>Loads a native library by full path: NativeLibrary on .NET (PowerShell 7),
    /// LoadLibraryW on .NET Framework (Windows PowerShell 5.1, which only runs on Windows).</summary>
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

    /// <summary>A credentials reference for -Credential and $StoredAWSCredentials: either a
    /// profile (by name, optionally from one file) or static keys. The secret parts are kept
    /// private and never shown by formatting or ToString.</summary>
    public sealed class AWSCredentials
    {
        private readonly string secretKey;
        private readonly string sessionToken;

        private AWSCredentials(string profileName, string profileLocation, string accessKey, string secretKey, string sessionToken)
        {
            ProfileName = profileName;
            ProfileLocation = profileLocation;
            AccessKey = accessKey;
            this.secretKey = secretKey;
            this.sessionToken = sessionToken;
        }

        public string ProfileName { get; private set; }
        public string ProfileLocation { get; private set; }
        public string AccessKey { get; private set; }

        /// <summary>Where the credentials come from, for display.</summary>
        public string Source
        {
            get { return ProfileName != null ? "profile '" + ProfileName + "'" : "static access key " + AccessKey; }
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

        /// <summary>The "auth" part of a native request.</summary>
        public Hashtable ToRequest()
        {
            var auth = new Hashtable();
            if (ProfileName != null)
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
