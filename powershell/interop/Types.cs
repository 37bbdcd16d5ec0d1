// The objects the commands write. Each is a public class with a public constructor and settable
// properties, so that a user's Pester test can build one in a Mock body:
//   Mock Get-S3Bucket { [AWS.Tools.RustSSO.S3Bucket]@{ BucketName = 'b1' } }
// Secrets (SecretAccessKey, SessionToken) are properties like any other, but the format views
// (AWS.Tools.RustSSO.Format.ps1xml) never show them.
using System;

namespace AWS.Tools.RustSSO
{
    /// <summary>The shell's proxy, as Set-AWSProxy stores it ($StoredAWSProxy). The password
    /// is a SecureString and is never part of ToString or a view.</summary>
    public class AWSProxySettings
    {
        public string Hostname { get; set; }
        public int Port { get; set; }
        public string Username { get; set; }
        public System.Security.SecureString Password { get; set; }
        public string[] BypassList { get; set; }
        public bool BypassOnLocal { get; set; }
        public override string ToString() { return "http://" + Hostname + ":" + Port.ToString(System.Globalization.CultureInfo.InvariantCulture); }
    }

    /// <summary>A bucket, as Get-S3Bucket writes it.</summary>
    public class S3Bucket
    {
        public string BucketName { get; set; }
        public DateTime? CreationDate { get; set; }
        public string BucketRegion { get; set; }
        public string BucketArn { get; set; }
        public override string ToString() { return BucketName ?? string.Empty; }
    }

    /// <summary>The owner of the listed buckets (Get-S3Bucket -Select Owner).</summary>
    public class S3Owner
    {
        public string Id { get; set; }
        public string DisplayName { get; set; }
    }

    /// <summary>A whole ListBuckets page (Get-S3Bucket -Select *).</summary>
    public class ListBucketsResponse
    {
        public S3Bucket[] Buckets { get; set; }
        public string ContinuationToken { get; set; }
        public S3Owner Owner { get; set; }
        public string Prefix { get; set; }
    }

    /// <summary>Get-STSCallerIdentity's answer.</summary>
    public class CallerIdentity
    {
        public string Account { get; set; }
        public string Arn { get; set; }
        public string UserId { get; set; }
        public override string ToString() { return Arn ?? string.Empty; }
    }

    /// <summary>An account the SSO user may use (Get-SSOAccountList).</summary>
    public class SSOAccount
    {
        public string AccountId { get; set; }
        public string AccountName { get; set; }
        public string EmailAddress { get; set; }
        public override string ToString() { return AccountId ?? string.Empty; }
    }

    /// <summary>A role the SSO user may assume in an account (Get-SSOAccountRoleList). It is
    /// also an SSO role credential: piped to a service command it binds to -Credential, and the
    /// command runs as this role in this account with the token of ProfileName (or SessionName).
    /// </summary>
    public class SSORole : AWSCredentials
    {
        public SSORole() { }
        /// <summary>"ReadOnly in 111122223333", printable: RoleName itself stays as the portal
        /// sent it, because it is sent back for the role's credentials.</summary>
        public override string ToString() { return Interop.Commands.Printable((RoleName ?? string.Empty) + " in " + (AccountId ?? string.Empty)); }
    }

    /// <summary>Temporary credentials of an SSO role (Get-SSORoleCredential). The default views
    /// show the access key id and expiry only.</summary>
    public class RoleCredentials
    {
        public string AccountId { get; set; }
        public string RoleName { get; set; }
        public string AccessKeyId { get; set; }
        public string SecretAccessKey { get; set; }
        public string SessionToken { get; set; }
        public DateTime? Expiration { get; set; }
        public override string ToString() { return AccessKeyId ?? string.Empty; }
    }

    /// <summary>A profile of the shared config files (Get-AWSCredential -ListProfileDetail).</summary>
    public class ProfileDetail
    {
        public ProfileDetail() { StoreTypeName = "SharedCredentialsFile"; }
        public string ProfileName { get; set; }
        public string StoreTypeName { get; set; }
        public string ProfileLocation { get; set; }
        public string Kind { get; set; }
        public string Region { get; set; }
        public string SsoSession { get; set; }
        public string AccountId { get; set; }
        public string RoleName { get; set; }
        public string TokenStatus { get; set; }
        public DateTime? TokenExpiresAt { get; set; }
        public string Problem { get; set; }
        public override string ToString() { return ProfileName ?? string.Empty; }
    }

    /// <summary>What Invoke-AWSSSOLogin did: State is 'valid' (the cached token was still
    /// valid), 'refreshed' or 'complete' (a new login); ExpiresAt is the token's expiry.</summary>
    public class LoginResult
    {
        public string ProfileName { get; set; }
        public string SsoSession { get; set; }
        public string StartUrl { get; set; }
        public string State { get; set; }
        public string Flow { get; set; }
        public DateTime? ExpiresAt { get; set; }
        public override string ToString() { return State ?? string.Empty; }
    }
}
