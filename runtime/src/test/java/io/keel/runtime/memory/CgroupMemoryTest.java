package io.keel.runtime.memory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupMemoryTest {
    @TempDir
    Path root;

    private void write(String file, String text) throws IOException {
        Path path = root.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
    }

    private CgroupMemory.Limit limit() {
        return CgroupMemory.of(root).limit();
    }

    @Test
    void aCgroupV2LimitIsReadFromTheProcessesGroup() throws IOException {
        write("proc/self/cgroup", "0::/system.slice/keel.service\n");
        write("sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
        write("sys/fs/cgroup/system.slice/keel.service/memory.max", "1073741824\n");
        assertThat(limit().bytes()).hasValue(1L << 30);
        assertThat(limit().source()).isEqualTo("/sys/fs/cgroup/system.slice/keel.service/memory.max");
    }

    @Test
    void aTighterLimitOnAParentGroupWins() throws IOException {
        write("proc/self/cgroup", "0::/system.slice/keel.service\n");
        write("sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
        write("sys/fs/cgroup/system.slice/memory.max", "536870912\n");
        write("sys/fs/cgroup/system.slice/keel.service/memory.max", "max\n");
        assertThat(limit().bytes()).hasValue(512L << 20);
    }

    @Test
    void maxMeansNoLimit() throws IOException {
        write("proc/self/cgroup", "0::/\n");
        write("sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
        write("sys/fs/cgroup/memory.max", "max\n");
        assertThat(limit().bytes()).isEmpty();
    }

    @Test
    void aContainerNamespaceShowingSlashReadsTheMountsOwnFile() throws IOException {
        write("proc/self/cgroup", "0::/\n");
        write("sys/fs/cgroup/cgroup.controllers", "memory\n");
        write("sys/fs/cgroup/memory.max", "2147483648\n");
        assertThat(limit().bytes()).hasValue(2L << 30);
    }

    @Test
    void aCgroupV1LimitIsReadFromTheMemoryController() throws IOException {
        write("proc/self/cgroup", "5:cpu,cpuacct:/\n4:memory:/docker/abc\n0::/\n");
        write("sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "805306368\n");
        assertThat(limit().bytes()).hasValue(768L << 20);
    }

    @Test
    void cgroupV1sPageRoundedMaximumMeansNoLimit() throws IOException {
        write("proc/self/cgroup", "4:memory:/process_api/32b9\n0::/\n");
        write("sys/fs/cgroup/memory/process_api/32b9/memory.limit_in_bytes", "9223372036854771712\n");
        write("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        assertThat(limit().bytes()).isEmpty();
    }

    @Test
    void garbageMissingFilesAndNoCgroupMeanNoLimit() throws IOException {
        assertThat(limit().bytes()).as("no /proc/self/cgroup").isEmpty();
        write("proc/self/cgroup", "4:memory:/a\n");
        assertThat(limit().bytes()).as("no limit file").isEmpty();
        write("sys/fs/cgroup/memory/a/memory.limit_in_bytes", "lots\n");
        assertThat(limit().bytes()).as("not a number").isEmpty();
        write("sys/fs/cgroup/memory/a/memory.limit_in_bytes", "-1\n");
        assertThat(limit().bytes()).as("negative").isEmpty();
        write("proc/self/cgroup", "not a cgroup line\n");
        assertThat(limit().bytes()).as("unparsable /proc/self/cgroup").isEmpty();
        assertThat(limit().source()).isEqualTo("no memory cgroup");
    }
}
