#!/usr/bin/env bash
# Sets up what build.ps1 needs on a fresh Linux or macOS machine, then runs it:
#   ./build.sh -Task Demo     the main job: a demo against the bundled local fake AWS
#   ./build.sh -Task Test     every test (cargo, then Pester)
# Installs, only when missing: PowerShell 7 (as a .NET global tool) and Pester 5 (from NuGet); on
# Debian and Ubuntu also Chromium and ChromeDriver (apt-get), for the browser test and the Docs task,
# and tinyproxy, for the corporate-proxy test.
# Needs: the .NET SDK and a Rust toolchain (cargo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

PWSH_VERSION=7.6.9
PESTER_VERSION=5.7.1
export PATH="$PATH:$HOME/.dotnet/tools"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 POWERSHELL_TELEMETRY_OPTOUT=1

if ! command -v pwsh >/dev/null 2>&1; then
  echo "build.sh: installing PowerShell $PWSH_VERSION (dotnet global tool)"
  dotnet tool install --global PowerShell --version "$PWSH_VERSION" >/dev/null
fi

if ! pwsh -NoProfile -NonInteractive -Command "if (-not (Get-Module -ListAvailable Pester | Where-Object Version -ge '$PESTER_VERSION')) { exit 1 }"; then
  echo "build.sh: installing Pester $PESTER_VERSION (NuGet)"
  tmp=$(mktemp -d)
  cat > "$tmp/download.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>netstandard2.0</TargetFramework></PropertyGroup>
  <ItemGroup><PackageDownload Include="Pester" Version="[$PESTER_VERSION]" /></ItemGroup>
</Project>
XML
  dotnet restore "$tmp/download.csproj" --packages "$tmp/packages" >/dev/null
  modules=$(pwsh -NoProfile -NonInteractive -Command '[Environment]::GetFolderPath("LocalApplicationData") + "/powershell/Modules"')
  mkdir -p "$modules/Pester/$PESTER_VERSION"
  cp -R "$tmp/packages/pester/$PESTER_VERSION/tools/." "$modules/Pester/$PESTER_VERSION/"
  rm -rf "$tmp"
fi

# tests/Browser.Tests.ps1 and the Docs task drive headless Chromium through ChromeDriver, and
# rust/rustsso/tests/corporate_network.rs runs calls through tinyproxy. Where they cannot be
# installed those tests are skipped, saying why; nothing else needs them.
if command -v apt-get >/dev/null 2>&1 && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/bin/tinyproxy ]; }; then
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  if [ -n "$as_root" ] && ! command -v sudo >/dev/null 2>&1; then
    echo "build.sh: chromium, chromium-driver or tinyproxy is missing and, without root or sudo, cannot be installed;" \
         "the browser and tinyproxy tests will be skipped" >&2
  else
    echo "build.sh: installing chromium, chromium-driver and tinyproxy (apt-get)"
    if ! { $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
           $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver tinyproxy >/dev/null; }; then
      echo "build.sh: could not install chromium, chromium-driver and tinyproxy; the browser and tinyproxy tests will be skipped" \
           "(to run them: sudo apt-get install chromium chromium-driver tinyproxy)" >&2
    fi
  fi
fi

exec pwsh -NoProfile -NonInteractive -File ./build.ps1 "$@"
