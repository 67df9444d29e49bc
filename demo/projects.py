"""Change projects for the demo (see demo/loaders.py): written as participants write them,
then taken through the workflow, the seminars and the rubrics by the services people use.

`projects_write` fills each project's design; `projects_play` takes each one to the stage
its `Plan` names: submitted, approved or sent back, reported, examined, scored and final.
"""

import textwrap
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from participants.nip import nip_format
from participants.services import participant_account_ensure
from projects.documents import document_upload
from projects.models import (
    Milestone,
    ProjectDocument,
    ScoringRole,
    Stakeholder,
    State,
    TeamMember,
    Theme,
)
from projects.scoring import rubrics_of, sheet_save
from projects.seminars import seminar_schedule
from projects.workflow import step_take

ORDER = {state: index for index, state in enumerate(State.values)}


def reached(plan_state, state):
    """Whether a project planned to end at `plan_state` passes through `state`."""
    return ORDER[plan_state] >= ORDER[state]


@dataclass
class Plan:
    """Where one project ends up in the demo."""

    state: str
    score: int | None = None  # the project score its scorers aim at
    roles: tuple = ()  # the sheets submitted: coach, mentor, examiner
    revised: bool = False  # sent back once before its design was approved
    reviewer: str = ScoringRole.COACH  # who asks for the revision
    approved_by: tuple = ()  # a design still waiting: who approved it already
    returned: bool = False  # the report was returned once
    correction: bool = False  # the examiner corrects a mistyped criterion
    draft_level: int = 2  # a draft: 0 empty, 1 title and problem, 2 everything
    window: tuple = None  # (start, end) of the short-term milestones; default: the phase


@dataclass(frozen=True)
class Idea:
    title: str  # what improves
    tool: str  # the innovation
    short: str  # its acronym
    audience: str  # whom the implementation reaches
    problem: str
    innovation: str
    fits: tuple = ()  # unit kinds it suits (name prefixes); empty: any unit

    def title_at(self, locus):
        return f"{self.title} melalui {self.tool} ({self.short}) di {locus}"


IDEAS = {
    "Stunting": [
        Idea(
            "Optimalisasi Pemantauan Tumbuh Kembang Balita", "Kartu Kembang Anak Digital",
            "KEMBANG", "kader posyandu dan ibu balita",
            "Hasil penimbangan balita di posyandu masih dicatat di buku register, sehingga "
            "balita yang berat badannya tidak naik dua bulan berturut-turut terlambat dirujuk. "
            "Prevalensi stunting di wilayah kerja masih di atas target daerah.",
            "Kader mencatat berat dan tinggi badan pada formulir daring yang langsung menghitung "
            "status gizi; balita berisiko ditandai dan dilaporkan otomatis kepada bidan "
            "kelurahan untuk ditindaklanjuti dalam seminggu.",
            ("Dinas Kesehatan",),
        ),
        Idea(
            "Peningkatan Kepatuhan Konsumsi Tablet Tambah Darah Remaja Putri",
            "Gerakan Minum Bareng TTD Setiap Rabu", "MINUM RABU", "remaja putri dan guru UKS",
            "Cakupan konsumsi tablet tambah darah remaja putri masih rendah: tablet yang "
            "dibagikan di sekolah banyak yang tidak diminum karena tidak ada pendampingan.",
            "Remaja putri minum tablet tambah darah bersama setiap Rabu pagi dengan kartu "
            "kendali; wali kelas dan petugas UKS mencatat kepatuhan dan puskesmas memantau "
            "rekapnya setiap bulan.",
            ("Dinas Kesehatan", "Dinas Pendidikan"),
        ),
        Idea(
            "Penguatan Edukasi Gizi Ibu Hamil", "Kelas Ibu Hamil Cegah Stunting", "KIH CENTING",
            "ibu hamil",
            "Ibu hamil yang memeriksakan kehamilan belum mendapat edukasi gizi yang terstruktur; "
            "ibu hamil kurang energi kronis masih ditemukan setiap bulan.",
            "Kelas ibu hamil bulanan dengan materi gizi seimbang, pengukuran lingkar lengan atas, "
            "dan grup pesan singkat untuk pengingat jadwal periksa dan menu harian.",
            ("Dinas Kesehatan", "RSUD"),
        ),
        Idea(
            "Percepatan Penanganan Balita Berisiko Stunting", "Gerakan Orang Tua Asuh Balita",
            "GOTA", "keluarga balita berisiko stunting",
            "Banyak keluarga dengan balita berisiko stunting tidak mampu memenuhi kebutuhan "
            "protein hewani, dan bantuan dari berbagai perangkat daerah berjalan sendiri-sendiri.",
            "Pegawai dan mitra usaha menjadi orang tua asuh yang menyediakan telur dan ikan bagi "
            "balita berisiko selama enam bulan; kader memantau berat dan tinggi badannya setiap "
            "bulan dalam satu dasbor bersama.",
        ),
        Idea(
            "Penguatan Konvergensi Percepatan Penurunan Stunting",
            "Dasbor Intervensi Stunting Terpadu", "DASTING", "perangkat daerah dan pemerintah desa",
            "Intervensi stunting tersebar di banyak perangkat daerah tanpa data sasaran bersama, "
            "sehingga satu keluarga bisa menerima bantuan ganda sementara keluarga lain terlewat.",
            "Satu dasbor memuat keluarga sasaran dari data posyandu dan data keluarga berisiko; "
            "setiap perangkat daerah mencatat intervensinya dan rapat konvergensi bulanan "
            "membahas sasaran yang belum tersentuh.",
        ),
        Idea(
            "Peningkatan Akses Sanitasi Layak Keluarga Berisiko Stunting",
            "Gerakan Jamban Sehat Gotong Royong", "JAGONG", "keluarga berisiko stunting",
            "Sebagian keluarga berisiko stunting belum memiliki jamban sehat dan air bersih, "
            "sehingga balita sering diare dan berat badannya sulit naik.",
            "Pendataan rumah tanpa jamban sehat, pembangunan bersama warga dengan bahan dari "
            "dana desa dan CSR, serta pemantauan pemakaian oleh sanitarian puskesmas.",
            ("Dinas Pekerjaan", "Dinas Lingkungan", "Dinas Sosial", "Kecamatan"),
        ),
        Idea(
            "Penguatan Edukasi Gizi Seimbang bagi Siswa", "Kantin Sehat Sekolah", "KANSAS",
            "siswa, guru, dan pengelola kantin",
            "Jajanan di sekitar sekolah tinggi gula dan garam, dan siswa belum terbiasa sarapan "
            "bergizi; hasil penjaringan kesehatan menunjukkan banyak siswa kurus dan anemia.",
            "Kantin sekolah menyediakan menu bergizi seimbang dengan label isi piringku, "
            "didampingi guru UKS dan petugas gizi puskesmas yang memeriksa kantin setiap bulan.",
            ("Dinas Pendidikan",),
        ),
    ],
    "Gizi buruk": [
        Idea(
            "Optimalisasi Penemuan Dini Kasus Gizi Buruk", "Skrining LILA Keliling", "SILIKE",
            "balita di wilayah kerja",
            "Kasus gizi buruk sering baru ditemukan ketika balita sudah dirawat di rumah sakit, "
            "karena balita tersebut tidak rutin datang ke posyandu.",
            "Kader dan petugas gizi berkunjung ke rumah balita yang tidak datang ke posyandu "
            "dengan pita LILA dan timbangan; hasilnya dilaporkan lewat formulir daring sehingga "
            "balita gizi buruk langsung dirujuk.",
            ("Dinas Kesehatan",),
        ),
        Idea(
            "Peningkatan Kualitas Makanan Tambahan Berbahan Pangan Lokal",
            "Pojok Menu Lokal Bergizi", "POMELO", "balita gizi kurang dan kader posyandu",
            "Makanan tambahan bagi balita gizi kurang sebagian besar berupa biskuit pabrikan yang "
            "kurang disukai anak dan tidak memanfaatkan pangan lokal.",
            "Resep makanan tambahan berbahan pangan lokal disusun bersama ahli gizi, dimasak kader "
            "di dapur posyandu, dan berat badan penerima dipantau setiap dua minggu.",
            ("Dinas Kesehatan", "Dinas Pertanian", "Dinas Koperasi"),
        ),
        Idea(
            "Penguatan Pendampingan Pascaperawatan Balita Gizi Buruk",
            "Klinik Pemulihan Gizi Terpadu", "KLIPPER", "balita gizi buruk dan keluarganya",
            "Balita gizi buruk yang pulang dari perawatan sering kembali memburuk karena tidak ada "
            "pendampingan lanjutan di rumah.",
            "Jadwal kontrol terpadu dokter, ahli gizi, dan bidan dengan buku pendampingan "
            "keluarga; kader berkunjung ke rumah setiap minggu sampai status gizi pulih.",
            ("RSUD", "Dinas Kesehatan"),
        ),
        Idea(
            "Penguatan Ketahanan Pangan Keluarga Rawan Gizi", "Lumbung Pangan Keluarga",
            "LUMPANG", "keluarga rawan gizi",
            "Keluarga rawan gizi kehabisan bahan pangan menjelang akhir bulan, sehingga asupan "
            "balita dan ibu hamil menurun.",
            "Lumbung pangan di tingkat RW diisi hasil pekarangan dan bantuan cadangan pangan, "
            "disalurkan kepada keluarga sasaran dengan kartu kendali dan dicatat kader.",
        ),
        Idea(
            "Peningkatan Kepedulian Lintas Sektor terhadap Balita Gizi Buruk",
            "Satu OPD Satu Desa Binaan Gizi", "SODA GIZI", "desa binaan dan perangkat daerah",
            "Penanganan gizi buruk dianggap tugas dinas kesehatan saja, sehingga penyebab di luar "
            "kesehatan seperti air bersih, pangan, dan penghasilan keluarga tidak tertangani.",
            "Setiap perangkat daerah membina satu desa dengan kasus gizi buruk: menyusun rencana "
            "aksi bersama desa, mengerahkan programnya, dan melaporkan perkembangan tiap bulan.",
        ),
    ],
    "Kemiskinan ekstrem": [
        Idea(
            "Pemutakhiran Data Keluarga Miskin Ekstrem",
            "Aplikasi Verifikasi dan Validasi Data Terpadu", "VERVAL-KU",
            "petugas kelurahan dan keluarga sasaran",
            "Data keluarga miskin ekstrem dari berbagai sumber tidak sama, sehingga bantuan tidak "
            "tepat sasaran dan sebagian keluarga tidak menerima bantuan apa pun.",
            "Petugas kelurahan memverifikasi keluarga di lapangan dengan formulir daring yang "
            "mencocokkan NIK dengan data kependudukan; hasilnya menjadi satu daftar sasaran "
            "bersama seluruh perangkat daerah.",
        ),
        Idea(
            "Percepatan Kepemilikan Dokumen Kependudukan Keluarga Miskin Ekstrem",
            "Layanan Adminduk Keliling", "ADIK", "keluarga miskin ekstrem",
            "Banyak anggota keluarga miskin ekstrem belum memiliki KTP-el dan akta kelahiran, "
            "sehingga tidak dapat didaftarkan sebagai penerima bantuan sosial.",
            "Perekaman dan pencetakan dokumen kependudukan dijadwalkan di kelurahan berdasarkan "
            "daftar sasaran kemiskinan ekstrem, dan dokumennya diantar langsung ke rumah.",
            ("Dinas Kependudukan", "Kecamatan"),
        ),
        Idea(
            "Peningkatan Pendapatan Keluarga Miskin Ekstrem", "Usaha Pekarangan Produktif",
            "UPAYA", "keluarga miskin ekstrem",
            "Keluarga miskin ekstrem bergantung pada bantuan sosial dan tidak memiliki sumber "
            "penghasilan tetap.",
            "Pelatihan budi daya sayur dan ikan di pekarangan dengan bibit awal, pendampingan "
            "penyuluh, dan penjualan hasil panen melalui koperasi kelurahan.",
        ),
        Idea(
            "Penajaman Sasaran Program Penghapusan Kemiskinan Ekstrem",
            "Peta Sasaran Kemiskinan Terpadu", "PESAT", "perangkat daerah pengampu program",
            "Program pengurangan beban pengeluaran dan peningkatan pendapatan belum menyasar "
            "keluarga yang sama, sehingga keluarga miskin ekstrem tidak keluar dari kemiskinan.",
            "Peta sasaran per kelurahan memadukan data keluarga dengan program setiap perangkat "
            "daerah; rapat koordinasi triwulanan menetapkan keluarga yang ditangani bersama.",
            ("Badan Perencanaan", "Dinas Sosial", "Sekretariat"),
        ),
    ],
    "Pengendalian inflasi": [
        Idea(
            "Optimalisasi Pemantauan Harga Bahan Pokok", "Dasbor Pantau Harga Pasar", "PAHALA",
            "petugas pasar dan tim pengendalian inflasi",
            "Harga bahan pokok di pasar dikumpulkan seminggu sekali dalam lembar kerja, sehingga "
            "kenaikan harga terlambat diketahui tim pengendalian inflasi daerah.",
            "Petugas pasar memasukkan harga harian melalui telepon genggam; dasbor menandai "
            "komoditas yang naik di atas batas dan mengirim peringatan kepada tim pengendalian "
            "inflasi daerah.",
        ),
        Idea(
            "Penguatan Gerakan Tanam Cabai di Pekarangan",
            "Gerakan Satu Rumah Sepuluh Polybag", "SARUPA", "kelompok wanita tani dan ASN",
            "Harga cabai dan bawang merah berfluktuasi tajam dan menjadi penyumbang utama "
            "inflasi daerah.",
            "Pembagian bibit dan polybag kepada kelompok wanita tani dan keluarga ASN, dengan "
            "pendampingan penyuluh serta pencatatan hasil panen setiap bulan.",
        ),
        Idea(
            "Peningkatan Efektivitas Operasi Pasar Murah",
            "Operasi Pasar Terpadu Berbasis Data", "OPTIMA", "warga di lokasi operasi pasar",
            "Operasi pasar murah belum menyasar lokasi dengan kenaikan harga tertinggi, dan "
            "jadwalnya tidak diketahui warga.",
            "Lokasi dan jadwal operasi pasar ditetapkan dari data harga mingguan dan diumumkan "
            "melalui media sosial pemerintah daerah; serapan komoditas dicatat setiap kegiatan.",
            ("Sekretariat", "Badan Perencanaan", "Badan Pendapatan"),
        ),
    ],
    "Bangga Buatan Indonesia / TKDN": [
        Idea(
            "Peningkatan Penggunaan Produk Dalam Negeri dalam Pengadaan Barang/Jasa",
            "Daftar Periksa TKDN pada Rencana Pengadaan", "CEK-TKDN", "pejabat pengadaan",
            "Realisasi belanja produk dalam negeri belum mencapai target karena pejabat pengadaan "
            "belum memeriksa nilai TKDN ketika menyusun rencana umum pengadaan.",
            "Daftar periksa TKDN dan tautan ke katalog produk dalam negeri disisipkan pada "
            "penyusunan rencana umum pengadaan; realisasinya dipantau setiap bulan.",
        ),
        Idea(
            "Optimalisasi Penayangan Produk UMKM Lokal dalam Katalog Elektronik",
            "Klinik Tayang Katalog", "KLIK TAYANG", "pelaku UMKM lokal",
            "Sedikit pelaku UMKM daerah yang produknya tayang di katalog elektronik, sehingga "
            "perangkat daerah sulit membeli produk lokal.",
            "Klinik pendampingan mingguan membantu UMKM melengkapi legalitas, foto produk, dan "
            "pendaftaran di katalog elektronik daerah.",
            ("Sekretariat", "Dinas Koperasi", "Badan Pendapatan"),
        ),
        Idea(
            "Penguatan Pengawasan Penggunaan Produk Dalam Negeri", "Reviu P3DN Triwulanan",
            "REVIU P3DN", "perangkat daerah yang direviu",
            "Reviu atas penggunaan produk dalam negeri belum rutin, sehingga ketidaksesuaian baru "
            "diketahui pada akhir tahun anggaran.",
            "Reviu triwulanan atas paket pengadaan dengan lembar kerja yang menghitung capaian "
            "TKDN setiap perangkat daerah, disertai rekomendasi perbaikan.",
            ("Inspektorat",),
        ),
    ],
    "Pelayanan publik": [
        Idea(
            "Peningkatan Kualitas Pelayanan Pendaftaran Pasien", "Antrean Daring Terjadwal",
            "ANTRI-ON", "pasien rawat jalan",
            "Pasien menunggu lebih dari satu jam di loket pendaftaran karena antrean masih manual "
            "dan menumpuk pada pagi hari.",
            "Pasien mengambil nomor antrean dan jam kedatangan melalui WhatsApp atau laman; "
            "papan antrean menampilkan nomor yang dilayani dan perkiraan waktu tunggu.",
            ("Dinas Kesehatan", "RSUD"),
        ),
        Idea(
            "Optimalisasi Penanganan Pengaduan Masyarakat", "Kanal Pengaduan Terpadu",
            "LAPOR CEPAT", "masyarakat pengguna layanan",
            "Pengaduan masyarakat masuk lewat berbagai saluran dan tidak tercatat, sehingga banyak "
            "yang tidak ditindaklanjuti dan pelapor tidak mendapat jawaban.",
            "Satu formulir pengaduan dengan nomor tiket, batas waktu tindak lanjut, dan "
            "pemberitahuan status kepada pelapor; rekapnya dilaporkan kepada pimpinan tiap bulan.",
        ),
        Idea(
            "Peningkatan Kepuasan Wajib Pajak Daerah", "Pojok Konsultasi Pajak Daerah", "POKJAK",
            "wajib pajak daerah",
            "Wajib pajak sering bolak-balik ke kantor karena persyaratan layanan tidak jelas dan "
            "informasi tagihan sulit diperoleh.",
            "Pojok konsultasi dengan standar pelayanan yang dipajang, daftar periksa persyaratan, "
            "dan layanan cek tagihan PBB melalui pesan singkat.",
            ("Badan Pendapatan",),
        ),
        Idea(
            "Percepatan Layanan Administrasi Kepegawaian Guru",
            "Layanan Satu Pintu Administrasi Guru", "LASPAG", "guru dan operator sekolah",
            "Pengurusan kenaikan pangkat dan gaji berkala guru memakan waktu lama karena berkas "
            "diserahkan berulang kali dan statusnya tidak dapat dilacak.",
            "Berkas diunggah sekali melalui operator sekolah dengan daftar periksa; guru dapat "
            "melacak status usulannya dan menerima pemberitahuan bila ada kekurangan.",
            ("Dinas Pendidikan",),
        ),
        Idea(
            "Percepatan Pelayanan Akta Kelahiran Bayi Baru Lahir",
            "Layanan Tiga in Satu Kelahiran", "TISAKU", "orang tua bayi baru lahir",
            "Banyak bayi belum memiliki akta kelahiran sampai usia sekolah karena orang tua harus "
            "mengurus akta, kartu keluarga, dan kartu identitas anak di beberapa tempat.",
            "Bidan dan petugas rumah sakit mengirim berkas kelahiran secara daring; akta, kartu "
            "keluarga baru, dan kartu identitas anak terbit sekaligus dan diantar ke rumah.",
            ("Dinas Kependudukan", "RSUD", "Dinas Kesehatan"),
        ),
        Idea(
            "Peningkatan Transparansi Tindak Lanjut Hasil Pemeriksaan",
            "Papan Pantau Tindak Lanjut", "PANTAU-TL", "perangkat daerah yang diperiksa",
            "Tindak lanjut rekomendasi hasil pemeriksaan lambat diselesaikan karena statusnya "
            "tidak terpantau oleh perangkat daerah maupun pimpinan.",
            "Papan pantau daring memuat setiap rekomendasi, penanggung jawab, batas waktu, dan "
            "bukti tindak lanjut; pengingat dikirim dua minggu sebelum batas waktu.",
            ("Inspektorat",),
        ),
    ],
    "Transformasi digital": [
        Idea(
            "Digitalisasi Arsip Rekam Medis Rawat Jalan", "Rekam Medis Elektronik Sederhana",
            "REMES", "petugas rekam medis dan tenaga kesehatan",
            "Berkas rekam medis kertas sering terselip, sehingga pemeriksaan tertunda dan riwayat "
            "pasien tidak lengkap.",
            "Rekam medis pasien rawat jalan dipindai dan diberi indeks dengan penamaan baku, "
            "sehingga riwayat pasien dapat dicari dari nomor rekam medisnya.",
            ("Dinas Kesehatan", "RSUD"),
        ),
        Idea(
            "Optimalisasi Pengolahan Nilai Rapor Siswa", "Rapor Digital Bersama", "RAPORKU",
            "guru dan wali kelas",
            "Guru mengolah nilai di berkas masing-masing, sehingga rapor terlambat dibagikan dan "
            "sering salah hitung.",
            "Lembar nilai bersama dengan rumus baku untuk semua mata pelajaran; wali kelas "
            "mencetak rapor langsung dan orang tua menerima ringkasan nilai melalui pesan singkat.",
            ("Dinas Pendidikan",),
        ),
        Idea(
            "Pengembangan Persuratan Elektronik", "Sistem Naskah Dinas Elektronik", "SINDE",
            "pegawai dan pimpinan unit kerja",
            "Surat masuk dan keluar masih dicatat di buku agenda, sehingga disposisi lambat dan "
            "surat sulit ditelusuri.",
            "Surat dipindai dan diregistrasi dalam aplikasi naskah dinas; pimpinan memberi "
            "disposisi secara elektronik dan status tindak lanjutnya terlihat oleh semua pihak.",
        ),
        Idea(
            "Peningkatan Literasi Digital Pegawai", "Kelas Digital Jumat", "KEDAI JUMAT",
            "pegawai unit kerja",
            "Sebagian pegawai belum terampil memakai aplikasi kerja daring, sehingga layanan "
            "elektronik belum berjalan optimal.",
            "Kelas singkat setiap Jumat tentang surel dinas, penyimpanan awan, tanda tangan "
            "elektronik, dan keamanan kata sandi, dengan modul video dan kuis.",
        ),
        Idea(
            "Percepatan Pembayaran Pajak Daerah Nontunai", "Kanal Bayar Pajak Digital",
            "BAYAR-KU", "wajib pajak daerah",
            "Sebagian besar pajak daerah masih dibayar tunai di loket, sehingga antrean panjang "
            "menjelang jatuh tempo dan rekonsiliasi setoran lambat.",
            "Kode bayar dapat diperoleh dari laman dan dibayar melalui bank, gerai ritel, atau "
            "QRIS; setoran tercatat otomatis dan wajib pajak menerima bukti bayar elektronik.",
            ("Badan Pendapatan",),
        ),
    ],
}  # fmt: skip

# Themes a unit's participants choose from, by the unit's kind (a prefix of its name).
UNIT_THEMES = [
    ("Dinas Kesehatan", ["Stunting", "Gizi buruk", "Pelayanan publik"]),
    ("RSUD", ["Gizi buruk", "Pelayanan publik", "Transformasi digital"]),
    ("Dinas Pendidikan", ["Stunting", "Pelayanan publik", "Transformasi digital"]),
    ("Dinas Kependudukan", ["Kemiskinan ekstrem", "Pelayanan publik", "Transformasi digital"]),
    ("Badan Pendapatan", ["Pelayanan publik", "Transformasi digital", "Pengendalian inflasi"]),
    ("Badan Perencanaan", ["Kemiskinan ekstrem", "Pengendalian inflasi", "Stunting"]),
    ("Sekretariat Daerah", ["Pengendalian inflasi", "Bangga Buatan Indonesia / TKDN",
                            "Transformasi digital"]),
    ("Inspektorat", ["Bangga Buatan Indonesia / TKDN", "Pelayanan publik"]),
]  # fmt: skip

KECAMATAN = {
    "Kota Tangerang": ["Cibodas", "Karawaci", "Periuk", "Neglasari", "Batuceper", "Cipondoh",
                       "Ciledug", "Larangan", "Pinang", "Jatiuwung"],
    "Kota Cilegon": ["Citangkil", "Jombang", "Pulomerak", "Grogol", "Cibeber", "Purwakarta",
                     "Ciwandan", "Cilegon"],
    "Kabupaten Tangerang": ["Balaraja", "Cikupa", "Tigaraksa", "Pasar Kemis", "Curug", "Kresek",
                            "Kelapa Dua", "Jayanti"],
    "Kabupaten Probolinggo": ["Kraksaan", "Paiton", "Dringu", "Leces", "Gending", "Maron",
                              "Sumberasih", "Tongas"],
}  # fmt: skip

INTERNAL = [
    ("Pimpinan unit kerja", "Memberi arahan, persetujuan, dan dukungan sumber daya"),
    ("Rekan kerja satu unit", "Membantu pelaksanaan dan pendokumentasian kegiatan"),
    ("Subbagian Perencanaan dan Keuangan", "Menyelaraskan kegiatan dengan anggaran unit"),
]
EXTERNAL = {
    "Stunting": [
        ("Kader posyandu", "Melaksanakan pengukuran dan pendampingan balita"),
        ("Tim Penggerak PKK", "Menggerakkan keluarga sasaran"),
        ("Pemerintah kelurahan/desa", "Mendukung tempat dan anggaran kegiatan"),
        ("Keluarga balita", "Sasaran kegiatan dan pemberi umpan balik"),
    ],
    "Gizi buruk": [
        ("Kader posyandu", "Menemukan dan mendampingi balita sasaran"),
        ("Ahli gizi puskesmas", "Tata laksana dan rujukan gizi"),
        ("Keluarga balita gizi kurang", "Sasaran kegiatan"),
        ("Pemerintah kelurahan/desa", "Mendukung pangan lokal dan anggaran"),
    ],
    "Kemiskinan ekstrem": [
        ("Lurah dan ketua RT/RW", "Memverifikasi keluarga sasaran di lapangan"),
        ("Pendamping PKH", "Data dan pendampingan keluarga penerima"),
        ("Keluarga miskin ekstrem", "Sasaran kegiatan"),
        ("Koperasi kelurahan", "Menampung hasil usaha keluarga sasaran"),
    ],
    "Pengendalian inflasi": [
        ("Tim Pengendalian Inflasi Daerah", "Memakai data untuk keputusan pengendalian harga"),
        ("Pedagang pasar", "Sumber data harga harian"),
        ("Kelompok wanita tani", "Pelaksana gerakan tanam"),
        ("Perum Bulog", "Pemasok komoditas operasi pasar"),
    ],
    "Bangga Buatan Indonesia / TKDN": [
        ("Pejabat pengadaan perangkat daerah", "Menerapkan daftar periksa produk dalam negeri"),
        ("Pelaku UMKM lokal", "Penyedia produk dalam negeri"),
        ("Bagian Pengadaan Barang dan Jasa", "Pembina pengadaan di daerah"),
    ],
    "Pelayanan publik": [
        ("Masyarakat pengguna layanan", "Sasaran dan pemberi umpan balik"),
        ("Forum konsultasi publik", "Memberi masukan atas standar pelayanan"),
        ("Ombudsman RI perwakilan provinsi", "Pengawas penyelenggaraan pelayanan publik"),
    ],
    "Transformasi digital": [
        ("Dinas Komunikasi dan Informatika", "Dukungan jaringan, server, dan keamanan aplikasi"),
        ("Masyarakat pengguna layanan", "Pengguna dan pemberi masukan"),
        ("Penyedia jaringan internet", "Menjaga koneksi di lokasi layanan"),
    ],
}
TEAM_POSITIONS = [
    "Pengadministrasi Umum", "Pengelola Data", "Analis Program dan Kegiatan", "Pranata Komputer",
    "Bendahara Pengeluaran", "Pengelola Layanan Operasional",
]  # fmt: skip

# (key, activity, output, evidence, BerAKHLAK values); {tool}, {audience}, {label} filled in.
SHORT_TERM = [
    ("prep", "Identifikasi masalah dan pengumpulan data awal",
     "Data awal dan analisis penyebab masalah", "Rekap data awal dan notulen diskusi", "Ak,K"),
    ("consult", "Konsultasi rancangan dengan mentor", "Rancangan disetujui mentor",
     "Lembar konsultasi dan foto kegiatan", "H,L"),
    ("design", "Penyusunan rancangan {tool} dan SOP pelaksanaannya", "Rancangan {short} dan SOP",
     "Dokumen SOP dan tangkapan layar rancangan", "K,Ad"),
    ("impl", "Pelaksanaan {short} bersama {audience}", "{short} berjalan pada sasaran",
     "Foto kegiatan, daftar hadir, dan data capaian", "B,Ko"),
    ("monitor", "Pemantauan dan evaluasi hasil pelaksanaan",
     "Catatan evaluasi dan rencana perbaikan", "Notulen evaluasi dan data sesudah inovasi",
     "Ak,Ad"),
    ("report", "Penyusunan laporan {label}", "Laporan {label}", "Laporan dan bahan tayang seminar",
     "Ak,K"),
]  # fmt: skip
# A plan of three keeps these; longer plans add the others in this order.
SHORT_TERM_CORE = ["prep", "impl", "report"]
SHORT_TERM_EXTRA = ["consult", "design", "monitor"]

REVISION_NOTES = {
    ScoringRole.COACH: [
        "Perjelas indikator keberhasilan setiap tonggak jangka pendek dan sesuaikan jadwalnya "
        "dengan masa aktualisasi.",
        "Masalah belum didukung data awal; lampirkan data tiga bulan terakhir dan pertajam "
        "gagasan inovasinya.",
        "Lengkapi pemangku kepentingan eksternal dan jelaskan peran tim efektif.",
    ],
    ScoringRole.MENTOR: [
        "Sesuaikan kegiatan dengan rencana kerja unit tahun ini, terutama jadwal uji coba.",
        "Libatkan subbagian perencanaan sejak awal agar kegiatan dapat didanai.",
    ],
}
RETURN_NOTES = [
    "Lengkapi bukti kegiatan (foto, daftar hadir, tangkapan layar) untuk setiap tonggak.",
    "Bab hasil belum memuat data sebelum dan sesudah inovasi; lengkapi lalu ajukan kembali.",
]
SHEET_COMMENTS = {
    ScoringRole.COACH: (
        "Rancangan dan pelaksanaan konsisten; bukti lengkap.",
        "Pelaksanaan sesuai rancangan; beberapa bukti perlu dilengkapi.",
        "Banyak kegiatan tidak sesuai rancangan dan buktinya belum lengkap.",
    ),
    ScoringRole.MENTOR: (
        "Sangat membantu unit kerja; akan kami lanjutkan.",
        "Bermanfaat bagi unit kerja.",
        "Manfaat bagi unit kerja belum terlihat.",
    ),
    ScoringRole.EXAMINER: (
        "Tonggak tercapai dengan bukti yang meyakinkan.",
        "Sebagian besar tonggak tercapai.",
        "Capaian belum didukung bukti; paparan kurang runtut.",
    ),
}
CORRECTION_REASON = "Salah ketik saat seminar"


def _unit_kind(unit):
    region = unit.parent.name.replace("Pemerintah ", "") if unit.parent_id else ""
    return unit.name.removesuffix(region).strip() or unit.name, region


def _locus(unit, rng, regional):
    kind, region = _unit_kind(unit)
    kecamatan = rng.choice(KECAMATAN.get(region, ["Kota"]))
    if regional:
        return rng.choice([region, region, f"Kecamatan {kecamatan} {region}"])
    if kind == "Dinas Kesehatan":
        return f"Puskesmas {kecamatan}"
    if kind == "Dinas Pendidikan":
        return f"{rng.choice(['SD Negeri', 'SMP Negeri'])} {rng.randint(1, 5)} {kecamatan}"
    if kind.startswith("RSUD"):
        return kind
    if kind.startswith("Dinas Kependudukan"):
        return f"Kecamatan {kecamatan} {region}"
    return unit.name


def _idea_for(unit, rng, themes, used, regional):
    """A theme and an idea that suit the unit, with a title not used yet in the cohort."""
    kind, _region = _unit_kind(unit)
    if themes is None:
        themes = next((t for prefix, t in UNIT_THEMES if kind.startswith(prefix)), list(IDEAS))
    for _attempt in range(20):
        theme = rng.choice(themes)
        fitting = [i for i in IDEAS[theme] if not i.fits or kind.startswith(i.fits)]
        idea = rng.choice(fitting or [i for i in IDEAS[theme] if not i.fits])
        title = idea.title_at(_locus(unit, rng, regional))
        if title not in used:
            break
    used.add(title)
    return theme, idea, title


def _short_term_keys(rng):
    count = rng.randint(3, 6)
    keep = set(SHORT_TERM_CORE + SHORT_TERM_EXTRA[: count - 3])
    return [row for row in SHORT_TERM if row[0] in keep]


def _milestones(project, idea, plan, *, start, end, today, rng, label, region, with_values):
    rows = _short_term_keys(rng)
    span = max((end - start).days, len(rows))
    step = span // len(rows)
    if reached(plan.state, State.REPORT_SUBMITTED):
        done = len(rows)
    elif plan.state == State.IMPLEMENTATION:
        done = min(len(rows) - 1, sum(start + timedelta(days=(i + 1) * step) < today
                                      for i in range(len(rows))))  # fmt: skip
    else:
        done = 0
    fill = {"tool": idea.tool, "short": idea.short, "audience": idea.audience, "label": label}
    milestones = []
    for index, (_key, activity, output, evidence, values) in enumerate(rows):
        planned_start = start + timedelta(days=index * step)
        planned_end = planned_start + timedelta(days=step - 1)
        actual_end = None
        if index < done:
            actual_end = min(planned_end + timedelta(days=rng.choice([-2, -1, 0, 0, 1, 2])), today)
        milestones.append(
            Milestone(
                project=project, term=Milestone.Term.SHORT,
                activity=activity.format(**fill), planned_start=planned_start,
                planned_end=planned_end, actual_end=actual_end, output=output.format(**fill),
                evidence=evidence if actual_end else "", values=values if with_values else "",
            )
        )  # fmt: skip
    milestones += [
        Milestone(
            project=project, term=Milestone.Term.MEDIUM,
            activity=f"Perluasan {idea.short} ke seluruh unit layanan di {region}",
            planned_start=end + timedelta(days=30), planned_end=end + timedelta(days=180),
            output=f"{idea.short} diterapkan di seluruh unit layanan",
            values="Ad,Ko" if with_values else "",
        ),
        Milestone(
            project=project, term=Milestone.Term.LONG,
            activity=f"{idea.short} ditetapkan dalam kebijakan daerah dan direplikasi "
            "perangkat daerah lain",
            planned_start=end + timedelta(days=180), planned_end=end + timedelta(days=730),
            output=f"Keputusan kepala daerah tentang {idea.short}",
            values="L,B" if with_values else "",
        ),
    ]  # fmt: skip
    return milestones


def projects_write(cohort, plans, *, rng, person_name, today, window, regional=False,
                   themes=None):  # fmt: skip
    """Each planned project's design, as its participant wrote it: title, theme, problem,
    innovation, milestones, stakeholders and team. A draft may be unfinished. `window` is
    the (start, end) of the short-term milestones unless the plan has its own; `themes`
    narrows the themes chosen (names); `regional` sets projects at the region's scale."""
    label = cohort.program.project_label
    with_values = label.lower().startswith("aktualisasi")
    theme_of = {name: Theme.objects.get_or_create(name=name)[0] for name in IDEAS}
    enrolments = (
        cohort.enrolments.filter(pk__in=plans)
        .select_related("participant__agency__parent", "mentor", "project")
        .order_by("pk")
    )
    used = set()
    milestones, stakeholders, team = [], [], []
    for enrolment in enrolments:
        plan, project = plans[enrolment.pk], enrolment.project
        unit = enrolment.participant.agency
        theme, idea, title = _idea_for(unit, rng, themes, used, regional)
        if plan.state == State.DRAFT and plan.draft_level == 0:
            continue
        project.title, project.theme = title, theme_of[theme]
        project.problem = idea.problem
        complete = plan.state != State.DRAFT or plan.draft_level >= 2
        project.innovation = idea.innovation if complete else ""
        project.save(update_fields=["title", "theme", "problem", "innovation"])
        if not complete:
            continue
        kind, region = _unit_kind(unit)
        start, end = plan.window or window
        milestones += _milestones(
            project, idea, plan, start=start, end=end, today=today, rng=rng, label=label,
            region=region or unit.name, with_values=with_values,
        )  # fmt: skip
        rows = rng.sample(INTERNAL, 2) + rng.sample(EXTERNAL[theme], rng.randint(2, 3))
        stakeholders += [
            Stakeholder(project=project, name=name, role=role, kind=kind_)
            for (name, role), kind_ in zip(
                rows, [Stakeholder.Kind.INTERNAL] * 2 + [Stakeholder.Kind.EXTERNAL] * 3,
                strict=False,
            )
        ]  # fmt: skip
        mentor = enrolment.mentor
        team.append(
            TeamMember(
                project=project, role=TeamMember.Role.SPONSOR,
                name=mentor.name if mentor else person_name(rng),
                position=mentor.position if mentor else f"Kepala {kind}",
            )
        )  # fmt: skip
        team.append(
            TeamMember(
                project=project, role=TeamMember.Role.LEADER, name=enrolment.participant.name,
                position=enrolment.participant.position,
            )
        )  # fmt: skip
        team += [
            TeamMember(
                project=project, role=TeamMember.Role.MEMBER, name=person_name(rng),
                position=rng.choice(TEAM_POSITIONS),
            )
            for _ in range(rng.randint(2, 3))
        ]  # fmt: skip
    Milestone.objects.bulk_create(milestones)
    Stakeholder.objects.bulk_create(stakeholders)
    TeamMember.objects.bulk_create(team)


def pdf_bytes(lines):
    """A one-page PDF showing `lines` (Latin-1 text), small but valid."""

    def escape(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = "".join(f"({escape(line)}) Tj T* " for line in lines)
    content = f"BT /F1 11 Tf 14 TL 56 780 Td {text}ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _document(project, enrolment, kind, heading, version=1):
    participant = enrolment.participant
    lines = [
        f"{heading} {enrolment.cohort.program.project_label}".upper(),
        "",
        *textwrap.wrap(project.title, 85),
        "",
        f"Peserta: {participant.name} (NIP {nip_format(participant.nip)})",
        f"Unit kerja: {participant.agency.name}",
        str(enrolment.cohort),
        f"Coach: {enrolment.coach.get_full_name() if enrolment.coach else '-'}",
        f"Mentor: {enrolment.mentor.name if enrolment.mentor else '-'}",
        "",
        "Masalah:",
        *textwrap.wrap(project.problem, 90),
        "",
        "Gagasan inovasi:",
        *textwrap.wrap(project.innovation, 90),
    ]
    if version > 1:
        lines += ["", f"Versi {version}: diperbaiki sesuai catatan bimbingan."]
    name = f"{heading.lower()}-{participant.nip}.pdf"
    return document_upload(
        project=project,
        kind=kind,
        upload=SimpleUploadedFile(name, pdf_bytes(lines), content_type="application/pdf"),
        user=participant.user,
    )


def _sheet_values(rubric, target, offset, rng):
    """Criterion scores around the target; a comment on the first criterion."""
    values = {}
    for index, criterion in enumerate(rubric.criteria_list):
        score = max(0, min(100, target + offset + rng.randint(-2, 2)))
        comments = SHEET_COMMENTS[rubric.role]
        level = 0 if target >= 86 else 1 if target >= 70 else 2
        values[criterion.pk] = (Decimal(score), comments[level] if index == 0 else "")
    return values


def _mistyped(values, rubric):
    """The values with the last criterion's digits swapped, as typed in a hurry."""
    last = rubric.criteria_list[-1].pk
    score, comment = values[last]
    digits = f"{int(score)}"
    typo = Decimal(digits[::-1]) if len(digits) == 2 and digits[0] != digits[1] else score - 10
    return {**values, last: (typo, comment)}


# How far each scorer tends from the project's mark: mentors are kind, examiners strict.
ROLE_OFFSETS = {
    ScoringRole.COACH: (-2, 2),
    ScoringRole.MENTOR: (-1, 3),
    ScoringRole.EXAMINER: (-3, 1),
}


def _sheet(project, role, scorer, plan, rubrics, rng, correction=False):
    rubric = rubrics[role]
    values = _sheet_values(rubric, plan.score, rng.randint(*ROLE_OFFSETS[role]), rng)
    if not correction:
        return sheet_save(project=project, role=role, scorer=scorer, values=values, version=0)
    sheet = sheet_save(
        project=project, role=role, scorer=scorer, values=_mistyped(values, rubric), version=0
    )
    return sheet_save(
        project=project, role=role, scorer=scorer, values=values, version=sheet.version,
        reason=CORRECTION_REASON,
    )  # fmt: skip


def _design_and_report(project, enrolment, plan, rng):
    """The project from its draft to the stage planned, up to the report submitted."""
    participant = participant_account_ensure(participant=enrolment.participant)
    supervisors = {ScoringRole.COACH: enrolment.coach}
    if enrolment.mentor_id:
        supervisors[ScoringRole.MENTOR] = enrolment.mentor.user

    def take(action, user, comment=""):
        step_take(project=project, user=user, action=action, comment=comment)

    if plan.state == State.DRAFT:
        return
    _document(project, enrolment, ProjectDocument.Kind.DESIGN, "Rancangan")
    if plan.revised or plan.state == State.REVISION:
        reviewer = plan.reviewer if plan.reviewer in supervisors else ScoringRole.COACH
        take("submit_design", participant)
        take("request_revision", supervisors[reviewer], rng.choice(REVISION_NOTES[reviewer]))
        if plan.state == State.REVISION:
            return
        project.problem += " Data awal tiga bulan terakhir dilampirkan pada rancangan."
        project.save(update_fields=["problem"])
        _document(project, enrolment, ProjectDocument.Kind.DESIGN, "Rancangan", version=2)
    take("submit_design", participant)
    if plan.state == State.DESIGN_SUBMITTED:
        for role in plan.approved_by:
            if role in supervisors:
                take("approve_design", supervisors[role])
        return
    order = (
        [ScoringRole.COACH, ScoringRole.MENTOR]
        if rng.random() < 0.6
        else [ScoringRole.MENTOR, ScoringRole.COACH]
    )
    for role in order:
        if role in supervisors:
            take("approve_design", supervisors[role])
    if plan.state == State.IMPLEMENTATION:
        return
    _document(project, enrolment, ProjectDocument.Kind.REPORT, "Laporan")
    take("submit_report", participant)
    if plan.returned:
        take("return_report", enrolment.coach, rng.choice(RETURN_NOTES))
        _document(project, enrolment, ProjectDocument.Kind.REPORT, "Laporan", version=2)
        take("submit_report", participant)


def seminar_sessions(enrolments, *, key, examiners_for, slots, size):
    """Seminar sessions: the enrolments by `key` (a coach, a group), in sessions of at most
    `size`, each at the next (starts_at, room) of `slots` with `examiners_for(first
    enrolment, session number)`."""
    by_key = defaultdict(list)
    for enrolment in enrolments:
        by_key[key(enrolment)].append(enrolment)
    sessions = []
    for _key, members in sorted(by_key.items(), key=lambda item: str(item[0])):
        members.sort(key=lambda e: e.participant.name)
        count = -(-len(members) // size)
        for part in range(count):
            chunk = members[part::count]
            starts_at, room = slots[len(sessions) % len(slots)]
            sessions.append((starts_at, room, examiners_for(chunk[0], len(sessions)), chunk))
    return sessions


def projects_play(cohort, plans, *, rng, staff, sessions):
    """Take each planned project to its stage by the workflow, the seminars and the
    rubrics. `sessions(enrolments)` gives the seminar sessions of those who present."""
    rubrics = rubrics_of(cohort.program)
    enrolments = list(
        cohort.enrolments.filter(pk__in=plans)
        .select_related(
            "participant__agency",
            "participant__user",
            "mentor__user",
            "coach",
            "project",
            "cohort__program",
        )  # fmt: skip
        .order_by("pk")
    )
    for enrolment in enrolments:
        _design_and_report(enrolment.project, enrolment, plans[enrolment.pk], rng)
    for enrolment in enrolments:
        plan = plans[enrolment.pk]
        if not reached(plan.state, State.REPORT_SUBMITTED):
            continue
        if ScoringRole.COACH in plan.roles:
            _sheet(enrolment.project, ScoringRole.COACH, enrolment.coach, plan, rubrics, rng)
        if ScoringRole.MENTOR in plan.roles and enrolment.mentor_id:
            _sheet(enrolment.project, ScoringRole.MENTOR, enrolment.mentor.user, plan, rubrics, rng)
    presenting = [e for e in enrolments if reached(plans[e.pk].state, State.SEMINAR_SCHEDULED)]
    examiners = {}
    for starts_at, room, session_examiners, members in sessions(presenting) if presenting else []:
        seminar_schedule(
            cohort=cohort,
            starts_at=starts_at,
            room=room,
            examiners=session_examiners,
            enrolments=members,
            actor=staff,
        )
        for enrolment in members:
            examiners[enrolment.pk] = session_examiners
    for enrolment in presenting:
        plan, project = plans[enrolment.pk], enrolment.project
        if not reached(plan.state, State.EXAMINED):
            continue
        for number, examiner in enumerate(examiners[enrolment.pk]):
            if ScoringRole.EXAMINER in plan.roles:
                correction = plan.correction and number == 0
                _sheet(
                    project,
                    ScoringRole.EXAMINER,
                    examiner,
                    plan,
                    rubrics,
                    rng,
                    correction=correction,
                )
        step_take(project=project, user=examiners[enrolment.pk][0], action="mark_examined")
        if plan.state == State.FINAL:
            step_take(project=project, user=staff, action="finalize")
