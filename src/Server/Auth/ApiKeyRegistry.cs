using System.Security.Cryptography;
using System.Text;
using LeaPformer.Server.Options;
using Microsoft.Extensions.Options;

namespace LeaPformer.Server.Auth;

/// <summary>
/// The configured API keys, kept as SHA-256 digests, and each key's stream count.
/// A presented key is hashed and compared with every digest in constant time, so neither the
/// position of the first differing byte nor the key's length nor which entry matched shows in the timing.
/// </summary>
internal sealed class ApiKeyRegistry(IOptions<AuthOptions> options)
{
    private readonly ApiKey[] _keys = options.Value.ApiKeys
        .Select(k => new ApiKey(k.Name, SHA256.HashData(Encoding.UTF8.GetBytes(k.Key)), k.MaxStreams))
        .ToArray();

    public bool Enabled => _keys.Length > 0;

    /// <summary>The entry whose key is <paramref name="presented"/>, or null.</summary>
    public ApiKey? Find(string presented)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), digest);
        ApiKey? match = null;
        foreach (var key in _keys)
        {
            // No early exit: every entry is compared.
            if (CryptographicOperations.FixedTimeEquals(digest, key.Digest))
            {
                match = key;
            }
        }

        return match;
    }

    internal sealed class ApiKey(string name, byte[] digest, int maxStreams)
    {
        private int _active;

        public string Name { get; } = name;

        public byte[] Digest { get; } = digest;

        /// <summary>0 = no limit of its own.</summary>
        public int MaxStreams { get; } = maxStreams;

        public int Active => Volatile.Read(ref _active);

        public bool TryAcquire()
        {
            if (MaxStreams == 0 || Interlocked.Increment(ref _active) <= MaxStreams)
            {
                if (MaxStreams == 0)
                {
                    Interlocked.Increment(ref _active);
                }

                return true;
            }

            Interlocked.Decrement(ref _active);
            return false;
        }

        public void Release() => Interlocked.Decrement(ref _active);
    }
}
