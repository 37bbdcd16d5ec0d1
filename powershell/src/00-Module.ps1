# AWS.Tools.RustSSO: thin PowerShell commands over the native library.
#
# Every exported command is its param() block, [CmdletBinding()], [OutputType()] and help, then
# one call into the interop assembly (lib/AWS.Tools.RustSSO.Interop.dll), which builds the request
# from the bound parameters, calls the native library and writes typed objects, diagnostics and
# ErrorRecords through the command. Help is external (AWS.Tools.RustSSO-help.xml), so import
# parses no help text. The script is written for both PowerShell 7 and Windows PowerShell 5.1:
# no PowerShell-7-only syntax (tests/Syntax.Tests.ps1 checks it).

Set-StrictMode -Version 3.0

# The C ABI version this script was written against; the native library must report the same.
$script:ExpectedAbiVersion = 1

function Get-RustSsoNativeLibraryPath {
    # bin/<os>-<arch>/<file> inside the module folder, following .NET runtime identifiers.
    $ri = [System.Runtime.InteropServices.RuntimeInformation]
    $platform = [System.Runtime.InteropServices.OSPlatform]
    if ($ri::IsOSPlatform($platform::Windows)) {
        $os = 'win'; $file = 'aws_tools_rustsso.dll'
    } elseif ($ri::IsOSPlatform($platform::OSX)) {
        $os = 'osx'; $file = 'libaws_tools_rustsso.dylib'
    } else {
        $os = 'linux'; $file = 'libaws_tools_rustsso.so'
    }
    $arch = $ri::ProcessArchitecture.ToString().ToLowerInvariant()
    # .NET path calls, not Join-Path/Test-Path: those would load another module at import.
    [System.IO.Path]::Combine($PSScriptRoot, 'bin', "$os-$arch", $file)
}

function Initialize-RustSsoNativeLibrary {
    $interop = [System.IO.Path]::Combine($PSScriptRoot, 'lib', 'AWS.Tools.RustSSO.Interop.dll')
    if (-not ('AWS.Tools.RustSSO.Interop.Native' -as [type])) {
        # Assembly.LoadFrom rather than Add-Type: Add-Type costs a quarter of a second at import.
        [void][System.Reflection.Assembly]::LoadFrom($interop)
    }
    $libraryPath = Get-RustSsoNativeLibraryPath
    if (-not [System.IO.File]::Exists($libraryPath)) {
        throw "AWS.Tools.RustSSO: the native library for this platform was not found at '$libraryPath'. This platform may not be supported by this build of the module."
    }
    # The library is loaded, and its ABI version checked against this one, by the first call
    # that needs it: import stays cheap, and a mismatch fails that call with both versions named.
    [AWS.Tools.RustSSO.Interop.Native]::Configure($libraryPath, $script:ExpectedAbiVersion)
}

Initialize-RustSsoNativeLibrary
