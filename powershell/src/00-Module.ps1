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

# The interop assembly: Assembly.LoadFrom rather than Add-Type (Add-Type costs a quarter of a
# second at import), and only once per process (a second copy of the module reuses it).
if (-not ('AWS.Tools.RustSSO.Interop.Native' -as [type])) {
    [void][System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine($PSScriptRoot, 'lib', 'AWS.Tools.RustSSO.Interop.dll'))
}
# Names the native library for this platform (bin/<os>-<arch>/ in the module folder; an error
# if it is missing). It is loaded, and its ABI version checked against this one, by the first
# call that needs it: import stays cheap, and a mismatch fails that call with both versions named.
try {
    [AWS.Tools.RustSSO.Interop.Native]::ConfigureModule($PSScriptRoot, $script:ExpectedAbiVersion)
} catch [System.Management.Automation.MethodInvocationException] {
    throw $_.Exception.InnerException.Message
} catch [System.Management.Automation.MethodException] {
    # The interop assembly already loaded in this process is another version's.
    throw 'AWS.Tools.RustSSO: another version of this module is already loaded in this PowerShell session; start a new session to import this one.'
}
# One native library per process: a second copy of the module (another folder, a development
# build beside an installed one) uses the one the first copy configured.
$script:NativeLibraryPath = [AWS.Tools.RustSSO.Interop.Native]::ConfiguredPath
if ($script:NativeLibraryPath -ne [AWS.Tools.RustSSO.Interop.Native]::LibraryPathIn($PSScriptRoot)) {
    Write-Verbose "AWS.Tools.RustSSO: this PowerShell session already uses the native library '$script:NativeLibraryPath'; this copy of the module uses it too."
}
