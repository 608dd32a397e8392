// The block I/O controller: blkio on v1, io on v2.
//
// Applies: linux.resources.blockIO.weight, .leafWeight, .weightDevice,
// .throttleReadBpsDevice, .throttleWriteBpsDevice, .throttleReadIOPSDevice,
// .throttleWriteIOPSDevice
//
// v1 follows runc's fs/blkio.go: blkio.weight when the kernel has it (CFQ),
// else the BFQ files blkio.bfq.weight(_device); leaf weights exist only with
// CFQ, so asking for one elsewhere fails on the missing file. v2 follows
// fs2/io.go: io.bfq.weight when BFQ is loaded, else io.weight converted from
// the v1 range; per-device weights only through BFQ (ignored otherwise, as
// runc does); throttles are "MAJ:MIN rbps=N" lines in io.max.
#include <string>

#include "runtime/cgroups/resources.hpp"

namespace islet::runtime::cgroups {
namespace {

std::string dev(std::int64_t major, std::int64_t minor) { return std::to_string(major) + ":" + std::to_string(minor); }

bool requested(const spec::BlockIo& b) {
    return b.weight.value_or(0) != 0 || b.leaf_weight.value_or(0) != 0 || !b.weight_device.empty() ||
           !b.throttle_read_bps_device.empty() || !b.throttle_write_bps_device.empty() ||
           !b.throttle_read_iops_device.empty() || !b.throttle_write_iops_device.empty();
}

void plan_v1(const spec::BlockIo& b, Planner& p) {
    const Facts& f = p.facts();
    const bool bfq = !f.has_file("blkio.weight") && f.has_file("blkio.bfq.weight");
    // Weights exist only under CFQ (blkio.weight) or BFQ (blkio.bfq.*). On a
    // host whose disks use neither (none, mq-deadline, kyber), runc fails on
    // the missing file; islet says why, before anything is written. The
    // files are known only once the container's directories exist.
    const bool weights = f.files.empty() || f.has_file("blkio.weight") || bfq;
    if (!weights && (b.weight.value_or(0) != 0 || b.leaf_weight.value_or(0) != 0 || !b.weight_device.empty()))
        return p.problem("blockIO/weight",
                         "cannot set a blkio weight: this kernel's blkio controller has no "
                         "blkio.weight or blkio.bfq.weight (no CFQ or BFQ I/O scheduler here)");
    const std::string weight = bfq ? "blkio.bfq.weight" : "blkio.weight";
    const std::string weight_device = bfq ? "blkio.bfq.weight_device" : "blkio.weight_device";
    if (b.weight.value_or(0) != 0) p.write("blkio", weight, std::to_string(*b.weight));
    if (b.leaf_weight.value_or(0) != 0) p.write("blkio", "blkio.leaf_weight", std::to_string(*b.leaf_weight));
    for (auto& d : b.weight_device) {
        if (d.weight.value_or(0) != 0)
            p.write("blkio", weight_device, dev(d.major, d.minor) + " " + std::to_string(*d.weight));
        if (d.leaf_weight.value_or(0) != 0)
            p.write("blkio", "blkio.leaf_weight_device", dev(d.major, d.minor) + " " + std::to_string(*d.leaf_weight));
    }
    auto throttle = [&](const std::vector<spec::ThrottleDevice>& list, const char* file) {
        for (auto& t : list) p.write("blkio", file, dev(t.major, t.minor) + " " + std::to_string(t.rate));
    };
    throttle(b.throttle_read_bps_device, "blkio.throttle.read_bps_device");
    throttle(b.throttle_write_bps_device, "blkio.throttle.write_bps_device");
    throttle(b.throttle_read_iops_device, "blkio.throttle.read_iops_device");
    throttle(b.throttle_write_iops_device, "blkio.throttle.write_iops_device");
}

void plan_v2(const spec::BlockIo& b, Planner& p) {
    const bool bfq = p.facts().has_file("io.bfq.weight");
    if (b.weight.value_or(0) != 0) {
        if (bfq)
            p.write("io", "io.bfq.weight", std::to_string(*b.weight));
        else
            p.write("io", "io.weight", std::to_string(blkio_to_io_weight(*b.weight)));
    }
    for (auto& d : b.weight_device) {
        if (d.weight.value_or(0) == 0) continue;
        if (bfq)
            p.write("io", "io.bfq.weight", dev(d.major, d.minor) + " " + std::to_string(*d.weight));
        else if (!p.facts().files.empty())
            p.warning("blockIO.weightDevice " + dev(d.major, d.minor) +
                      " ignored: per-device weights need BFQ "
                      "(io.bfq.weight is missing)");
    }
    auto throttle = [&](const std::vector<spec::ThrottleDevice>& list, const char* key) {
        for (auto& t : list) p.write("io", "io.max", dev(t.major, t.minor) + " " + key + "=" + std::to_string(t.rate));
    };
    throttle(b.throttle_read_bps_device, "rbps");
    throttle(b.throttle_write_bps_device, "wbps");
    throttle(b.throttle_read_iops_device, "riops");
    throttle(b.throttle_write_iops_device, "wiops");
}

}  // namespace

std::uint64_t blkio_to_io_weight(std::uint64_t weight) {
    if (weight == 0) return 0;
    if (weight < 10) weight = 10;  // below the v1 range: the v2 minimum
    return 1 + (weight - 10) * 9999 / 990;
}

void plan_blkio(const spec::Resources& r, Planner& p) {
    if (!r.block_io || !requested(*r.block_io)) return;
    switch (p.facts().where("blkio", "io")) {
        case Version::none: return p.missing("blockIO", "blkio (io on cgroup v2)");
        case Version::v1: return plan_v1(*r.block_io, p);
        case Version::v2: return plan_v2(*r.block_io, p);
    }
}

}  // namespace islet::runtime::cgroups
